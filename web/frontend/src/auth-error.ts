/**
 * Every error type the SDK itself raises, plus the ones the server is known to answer with (spec §2.8).
 * Any other server `error.code` or WebSocket `error_type` reaches `AuthError.type` unchanged, so the
 * property is typed as this union widened to `string`.
 */
export type AuthErrorType =
  | 'missing_auth_token'
  | 'missing_connect_session_token'
  | 'invalid_host_url'
  | 'blocked_by_browser'
  | 'window_closed'
  | 'missing_credentials'
  | 'connection_test_failed'
  // Latchkey's own: the provider gave no verdict on the credentials (could not be reached — network, DNS, TLS,
  // timeout — or failed on its side with a 5xx/408/429). Nothing was saved; trying again later may work.
  | 'provider_unreachable'
  | 'provider_error'
  | 'connection_validation_failed'
  | 'resource_capped'
  | 'unknown_error';

/** The error every SDK failure rejects (or throws) with; `type` is the machine-readable reason. */
export class AuthError extends Error {
  // `(string & {})` keeps editor completion for the known types while accepting any server code.
  type: AuthErrorType | (string & {});

  constructor(message: string, type: AuthErrorType | (string & {})) {
    super(message);
    this.name = 'AuthError';
    this.type = type;
  }
}
