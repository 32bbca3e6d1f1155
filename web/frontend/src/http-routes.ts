import type { AuthOptions } from './types.js';

type Credentials = Record<string, unknown>;
type Body = Record<string, unknown>;

/** A path, whether the credentials (and options) belong there, and the JSON body they become. */
type Route = [path: string, matches: (c: Credentials, o: AuthOptions) => unknown, body: (c: Credentials, o: AuthOptions) => Body | undefined];

// Spec §2.5, checked in this order, the first match wins. The bodies copy only the fields each endpoint takes:
// the server's schemas are strict, and the Connect UI relies on e.g. `type` being dropped for API keys. Key lists are
// space-separated.
const routes: Route[] = [
  ['/auth/two-step/', (c) => c['type'] === 'TWO_STEP', (c, o) => (isEmpty(o.assertionOption) ? c : { ...c, assertionOption: o.assertionOption })],
  ['/auth/signature/', (c) => c['type'] === 'SIGNATURE' && has(c, 'username password'), (c) => pick(c, 'type username password')],
  ['/auth/aws-sigv4/', (c) => c['type'] === 'AWS_SIGV4' && has(c, 'role_arn'), (c) => pick(c, 'role_arn region')],
  ['/auth/bill/', (c) => has(c, bill), (c) => pick(c, bill)],
  ['/api-auth/api-key/', (c) => has(c, 'apiKey'), (c) => pick(c, 'apiKey')],
  // The server requires both keys; a falsy value goes out as an empty string.
  ['/api-auth/basic/', (c) => 'username' in c || 'password' in c, (c) => pick(c, 'username password', (value) => value || '')],
  ['/auth/jwt/', (c) => has(c, 'privateKey') || c['type'] === 'JWT', (c) => c],
  ['/auth/tba/', (c) => has(c, 'token_id token_secret'), (c) => pick(c, 'token_id token_secret oauth_client_id_override oauth_client_secret_override')],
  [
    '/oauth2/auth/',
    (c) => has(c, 'client_id') && ('client_secret' in c || 'client_private_key' in c),
    (c) => pick(c, 'client_id client_secret client_certificate client_private_key'),
  ],
  ['/auth/oauth-outbound/', (_c, o) => o.installation === 'outbound', () => undefined],
];

export interface HttpRequest {
  path: string;
  /** Omitted when there is nothing to send. */
  body: Body | undefined;
}

/** The endpoint and JSON body for credentials entered in the page, or undefined when no mode fits them. */
export function httpRequestFor(providerConfigKey: string, credentials: Credentials, options: AuthOptions): HttpRequest | undefined {
  const route = routes.find(([, matches]) => matches(credentials, options));
  if (!route) return undefined;
  const body = route[2](credentials, options);
  return { path: route[0] + providerConfigKey, body: isEmpty(body) ? undefined : body };
}

/**
 * Spec §2.3: credentials choose the HTTP modes unless they are absent, empty, or only bring an OAuth app's client
 * overrides (which the popup sends as query parameters). Outbound installations are always HTTP.
 */
export function usesHttpMode(options: AuthOptions): boolean {
  if (options.installation === 'outbound') return true;
  const c = options.credentials as Credentials | undefined;
  if (!c || isEmpty(c)) return false;
  return has(c, 'token_id token_secret') || !has(c, 'oauth_client_id_override oauth_client_secret_override');
}

const bill = 'username password organization_id dev_key';

function has(c: Credentials, keys: string): boolean {
  return keys.split(' ').every((key) => key in c);
}

/** The listed keys the credentials have, with their values (through `map` when given). */
function pick(c: Credentials, keys: string, map = (value: unknown) => value): Body {
  return Object.fromEntries(keys.split(' ').filter((key) => key in c).map((key) => [key, map(c[key])]));
}

function isEmpty(value: object | undefined): boolean {
  return !value || Object.keys(value).length === 0;
}
