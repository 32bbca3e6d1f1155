/** Options of `new Nango(options)` (spec §2.2). */
export type NangoOptions = NangoHostOptions & NangoAuthOptions;

interface NangoHostOptions {
  /** Server base URL; trailing slashes are stripped. Default `http://localhost:3003`. */
  host?: string;
  /** WebSocket path, resolved against `host` (an absolute path replaces any path of `host`). Default `/`. */
  websocketsPath?: string;
  /** Popup width in pixels. Default 500. */
  width?: number;
  /** Popup height in pixels. Default 600. */
  height?: number;
  /** Log the auth flow's steps to the console. */
  debug?: boolean;
}

// The two credentials are exclusive in the types only; at run time both are sent when both are set (spec §2.2).
type NangoAuthOptions =
  | { connectSessionToken: string; publicKey?: never }
  | { publicKey: string; connectSessionToken?: never }
  | { connectSessionToken?: undefined; publicKey?: undefined };

/** Connection settings sent in the query string of every auth request (spec §2.4). */
export interface ConnectionConfig {
  /** Connection-config values; only string values are sent. */
  params?: Record<string, string>;
  /** HMAC of the legacy public-key mode. */
  hmac?: string;
  /** User scopes (Slack-style), sent comma-separated. */
  user_scope?: string[];
  /** Extra authorization parameters; an `undefined` value removes the provider's template parameter. */
  authorization_params?: Record<string, string | undefined>;
  /** Assertion options, sent in the body of a two-step request. */
  assertionOption?: Record<string, string>;
}

/** Options of `auth()` and `reconnect()`. */
export interface AuthOptions extends ConnectionConfig {
  /** Credentials entered by the end user; decide between the popup and the HTTP modes (spec §2.3). */
  credentials?: AuthCredentials;
  /** Reject with `window_closed` when the user closes the popup before the flow ends. Default false. */
  detectClosedAuthWindow?: boolean;
  /** `'outbound'` for OAuth 2 integrations where the provider starts the installation. */
  installation?: 'outbound';
  /**
   * Redirect mode (Latchkey only), for OAuth integrations: the page itself goes to the provider instead of a popup, and
   * comes back to `returnUrl` with the outcome in its query (read it with `readRedirectResult` from
   * `@latchkey/frontend/redirect`). `returnUrl` must be on one of the environment's allowed origins. The returned
   * promise never settles: the page is leaving.
   */
  redirect?: { returnUrl: string };
}

/** What `auth()` and `reconnect()` resolve with (spec §2.9). */
export interface AuthResult {
  providerConfigKey: string;
  connectionId: string;
  /** Only set by the popup modes: true while an app installation is still awaited. */
  isPending?: boolean;
}

/** Alias of {@link AuthResult}. */
export type AuthSuccess = AuthResult;

/** Bring-your-own OAuth app: sent as `credentials[...]` query parameters of the popup URL. */
export interface OAuthCredentialsOverride {
  oauth_client_id_override: string;
  oauth_client_secret_override: string;
  oauth_refresh_token_override?: string;
}

export interface ApiKeyCredentials {
  type?: 'API_KEY';
  apiKey: string;
}

export interface BasicApiCredentials {
  type?: 'BASIC';
  username?: string;
  password?: string;
}

export interface SignatureCredentials {
  type: 'SIGNATURE';
  username: string;
  password: string;
}

export interface BillCredentials {
  type?: 'BILL';
  username: string;
  password: string;
  organization_id: string;
  dev_key: string;
}

export interface AwsSigV4Credentials {
  type: 'AWS_SIGV4';
  role_arn: string;
  region?: string;
}

/** JWT providers define their own fields; `type: 'JWT'` (or a `privateKey`) selects this mode. */
export interface JwtCredentials {
  type: 'JWT';
  [field: string]: unknown;
}

/** Private-key JWT providers (App Store style); sent like {@link JwtCredentials}. */
export interface AppStoreCredentials {
  type?: 'APP_STORE';
  privateKey: string;
  [field: string]: unknown;
}

export interface TbaCredentials {
  type?: 'TBA';
  token_id: string;
  token_secret: string;
  oauth_client_id_override?: string;
  oauth_client_secret_override?: string;
}

export interface OAuth2ClientCredentials {
  type?: 'OAUTH2_CC';
  client_id: string;
  client_secret?: string;
  client_certificate?: string;
  client_private_key?: string;
}

/** Two-step providers define their own fields. */
export interface TwoStepCredentials {
  type: 'TWO_STEP';
  [field: string]: unknown;
}

/** `installation: 'outbound'` needs a credentials object; `{ type: 'OAUTH2' }` is the usual one. */
export interface OAuth2OutboundCredentials {
  type: 'OAUTH2';
}

export type AuthCredentials =
  | OAuthCredentialsOverride
  | ApiKeyCredentials
  | BasicApiCredentials
  | SignatureCredentials
  | BillCredentials
  | AwsSigV4Credentials
  | JwtCredentials
  | AppStoreCredentials
  | TbaCredentials
  | OAuth2ClientCredentials
  | TwoStepCredentials
  | OAuth2OutboundCredentials;
