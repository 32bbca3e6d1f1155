import type { AuthOptions } from './types.js';

export interface QueryAuth {
  publicKey?: string | undefined;
  connectSessionToken?: string | undefined;
}

const credentialOverrides = [
  'oauth_client_id_override',
  'oauth_client_secret_override',
  'oauth_refresh_token_override',
] as const;

/**
 * The query string of every auth request, byte for byte as the official SDK builds it (spec §2.4): the order is
 * fixed and some values go out raw. Brackets stay literal; the server decodes both forms (spec §1.3).
 * `options.credentials` is only present on the popup path: the HTTP modes send credentials in the body.
 */
export function toQueryString(auth: QueryAuth, connectionId: string | undefined, options: AuthOptions): string {
  const parts: string[] = [];
  if (connectionId) parts.push(`connection_id=${connectionId}`);
  if (auth.publicKey) parts.push(`public_key=${auth.publicKey}`);
  if (auth.connectSessionToken) parts.push(`connect_session_token=${auth.connectSessionToken}`);
  for (const [key, value] of Object.entries(options.params ?? {})) {
    // The type says string, but callers pass form values: anything else is skipped, as upstream does.
    if (typeof value === 'string') parts.push(`params[${encodeURIComponent(key)}]=${encodeURIComponent(value)}`);
  }
  if (options.hmac) parts.push(`hmac=${options.hmac}`);
  if (options.user_scope) parts.push(`user_scope=${options.user_scope.join(',')}`);
  const credentials = (options.credentials ?? {}) as Record<string, unknown>;
  for (const key of credentialOverrides) {
    if (key in credentials) parts.push(`credentials[${key}]=${encodeURIComponent(String(credentials[key]))}`);
  }
  for (const key of ['token_id', 'token_secret']) {
    if (key in credentials) parts.push(`${key}=${encodeURIComponent(String(credentials[key]))}`);
  }
  for (const [key, value] of Object.entries(options.authorization_params ?? {})) {
    // `undefined` is sent as the literal word: the server reads it as "drop this template parameter".
    if (typeof value === 'string' || value === undefined) parts.push(`authorization_params[${key}]=${value}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
