import type { AuthOptions } from './types.js';

type Credentials = Record<string, unknown>;
type Body = Record<string, unknown>;

interface Route {
  matches: (credentials: Credentials, options: AuthOptions) => boolean;
  path: string;
  body: (credentials: Credentials, options: AuthOptions) => Body | undefined;
}

// Spec §2.5, checked in this order, the first match wins. The bodies copy only the fields each endpoint takes:
// the server's schemas are strict, and the Connect UI relies on e.g. `type` being dropped for API keys.
const routes: Route[] = [
  {
    matches: (c) => c['type'] === 'TWO_STEP',
    path: '/auth/two-step/',
    body: (c, o) => (isEmpty(o.assertionOption) ? c : { ...c, assertionOption: o.assertionOption }),
  },
  {
    matches: (c) => c['type'] === 'SIGNATURE' && has(c, 'username', 'password'),
    path: '/auth/signature/',
    body: (c) => pick(c, 'type', 'username', 'password'),
  },
  {
    matches: (c) => c['type'] === 'AWS_SIGV4' && has(c, 'role_arn'),
    path: '/auth/aws-sigv4/',
    body: (c) => pick(c, 'role_arn', 'region'),
  },
  {
    matches: (c) => has(c, 'username', 'password', 'organization_id', 'dev_key'),
    path: '/auth/bill/',
    body: (c) => pick(c, 'username', 'password', 'organization_id', 'dev_key'),
  },
  {
    matches: (c) => has(c, 'apiKey'),
    path: '/api-auth/api-key/',
    body: (c) => pick(c, 'apiKey'),
  },
  {
    matches: (c) => 'username' in c || 'password' in c,
    path: '/api-auth/basic/',
    // The server requires both keys; a falsy value goes out as an empty string.
    body: (c) => mapValues(pick(c, 'username', 'password'), (value) => value || ''),
  },
  {
    matches: (c) => has(c, 'privateKey') || c['type'] === 'JWT',
    path: '/auth/jwt/',
    body: (c) => c,
  },
  {
    matches: (c) => has(c, 'token_id', 'token_secret'),
    path: '/auth/tba/',
    body: (c) => pick(c, 'token_id', 'token_secret', 'oauth_client_id_override', 'oauth_client_secret_override'),
  },
  {
    matches: (c) => has(c, 'client_id') && ('client_secret' in c || 'client_private_key' in c),
    path: '/oauth2/auth/',
    body: (c) => pick(c, 'client_id', 'client_secret', 'client_certificate', 'client_private_key'),
  },
  {
    matches: (_c, o) => o.installation === 'outbound',
    path: '/auth/oauth-outbound/',
    body: () => undefined,
  },
];

export interface HttpRequest {
  path: string;
  /** Omitted when there is nothing to send. */
  body: Body | undefined;
}

/** The endpoint and JSON body for credentials entered in the page, or undefined when no mode fits them. */
export function httpRequestFor(providerConfigKey: string, credentials: Credentials, options: AuthOptions): HttpRequest | undefined {
  const route = routes.find((r) => r.matches(credentials, options));
  if (!route) return undefined;
  const body = route.body(credentials, options);
  return { path: route.path + providerConfigKey, body: isEmpty(body) ? undefined : body };
}

/**
 * Spec §2.3: credentials choose the HTTP modes unless they are absent, empty, or only bring an OAuth app's client
 * overrides (which the popup sends as query parameters). Outbound installations are always HTTP.
 */
export function usesHttpMode(options: AuthOptions): boolean {
  if (options.installation === 'outbound') return true;
  const c = options.credentials as Credentials | undefined;
  if (!c || isEmpty(c)) return false;
  return has(c, 'token_id', 'token_secret') || !has(c, 'oauth_client_id_override', 'oauth_client_secret_override');
}

function has(c: Credentials, ...keys: string[]): boolean {
  return keys.every((key) => key in c);
}

function pick(c: Credentials, ...keys: string[]): Body {
  return Object.fromEntries(keys.filter((key) => key in c).map((key) => [key, c[key]]));
}

function mapValues(body: Body, map: (value: unknown) => unknown): Body {
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, map(value)]));
}

function isEmpty(value: object | undefined): boolean {
  return !value || Object.keys(value).length === 0;
}
