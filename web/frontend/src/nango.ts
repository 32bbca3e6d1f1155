import { AuthError } from './auth-error.js';
import { openAuthPopup, type AuthPopupFlow, type PopupSettings } from './auth-popup.js';
import { ConnectUI } from './connect-ui.js';
import type { ConnectUIProps } from './connect-ui-types.js';
import { httpRequestFor, usesHttpMode } from './http-routes.js';
import { postAuth } from './post-auth.js';
import { toQueryString } from './query-string.js';
import { resolveServerUrls } from './server-urls.js';
import type { AuthOptions, AuthResult, ConnectionConfig, NangoOptions } from './types.js';

/** The browser SDK: creates connections headlessly (`auth`, `create`) or through the Connect UI. */
export class Nango {
  /** `host` without trailing slashes. */
  readonly hostBaseUrl: string;
  publicKey: string | undefined;
  connectSessionToken: string | undefined;

  private readonly _popupSettings: PopupSettings;
  private _authPopup: AuthPopupFlow | undefined;

  /** @throws {AuthError} `invalid_host_url` when `host` or the WebSocket URL built from it is not a URL. */
  constructor(options: NangoOptions = {}) {
    const urls = resolveServerUrls(options.host, options.websocketsPath);
    this.hostBaseUrl = urls.hostBaseUrl;
    this.publicKey = options.publicKey;
    this.connectSessionToken = options.connectSessionToken;
    const debug = options.debug;
    this._popupSettings = {
      websocketsUrl: urls.websocketsUrl,
      width: options.width ?? 500,
      height: options.height ?? 600,
      log: (...details) => {
        if (debug) console.log('[latchkey]', ...details);
      },
    };
  }

  /**
   * Creates (or, with a reconnect session, re-authorises) a connection. OAuth-like integrations open a popup;
   * credentials entered in the page are posted directly.
   *
   * Deliberately not `async`: the checks below throw synchronously, and the popup must open within the click.
   * @throws {AuthError} `missing_auth_token`, `missing_credentials`
   */
  auth(providerConfigKey: string, options?: AuthOptions): Promise<AuthResult>;
  auth(providerConfigKey: string, connectionId: string, options?: AuthOptions): Promise<AuthResult>;
  auth(providerConfigKey: string, connectionIdOrOptions?: string | AuthOptions, moreOptions?: AuthOptions): Promise<AuthResult> {
    const [connectionId, options] = this._arguments(connectionIdOrOptions, moreOptions);
    return usesHttpMode(options)
      ? this._authOverHttp(providerConfigKey, connectionId, options)
      : this._authInPopup(providerConfigKey, connectionId, options);
  }

  /**
   * Re-authorises the connection named by the reconnect session; the server knows which one, so no id is sent.
   * @throws {AuthError} `missing_connect_session_token`, and those of {@link Nango.auth}
   */
  reconnect(providerConfigKey: string, options?: AuthOptions): Promise<AuthResult> {
    if (!this.connectSessionToken) {
      throw new AuthError('Missing connect session token.', 'missing_connect_session_token');
    }
    return this.auth(providerConfigKey, options);
  }

  /** Creates a connection to an integration that needs no credentials (auth mode `NONE`). */
  create(providerConfigKey: string, options?: ConnectionConfig): Promise<AuthResult>;
  create(providerConfigKey: string, connectionId: string, options?: ConnectionConfig): Promise<AuthResult>;
  async create(
    providerConfigKey: string,
    connectionIdOrOptions?: string | ConnectionConfig,
    moreOptions?: ConnectionConfig,
  ): Promise<AuthResult> {
    const [connectionId, options] = this._arguments(connectionIdOrOptions, moreOptions);
    const query = toQueryString(this, connectionId, options);
    return postAuth(`${this.hostBaseUrl}/auth/unauthenticated/${providerConfigKey}${query}`);
  }

  /** Stops tracking the current popup, and closes it and its socket 500 ms later. */
  clear(): void {
    this._authPopup?.clear();
  }

  /** Opens the Connect UI over the page, with this SDK's session token and server. */
  openConnectUI(props: ConnectUIProps = {}): ConnectUI {
    const connectUI = new ConnectUI({
      ...props,
      sessionToken: props.sessionToken ?? this.connectSessionToken,
      apiURL: props.apiURL ?? this.hostBaseUrl,
      baseURL: props.baseURL ?? `${this.hostBaseUrl}/connect-ui/`,
    });
    connectUI.open();
    return connectUI;
  }

  /** What `auth` and `create` share: the token check, and `(key, options?)` or `(key, connectionId, options?)`. */
  private _arguments<T extends object>(connectionIdOrOptions: string | T | undefined, moreOptions: T | undefined): [string | undefined, T] {
    if (!this.publicKey && !this.connectSessionToken) {
      throw new AuthError('Missing connect session token or public key.', 'missing_auth_token');
    }
    const connectionId = typeof connectionIdOrOptions === 'string' ? connectionIdOrOptions : undefined;
    return [connectionId, { ...moreOptions, ...(typeof connectionIdOrOptions === 'object' && connectionIdOrOptions) } as T];
  }

  private _authOverHttp(providerConfigKey: string, connectionId: string | undefined, options: AuthOptions): Promise<AuthResult> {
    // Credentials travel in the body, never in the query string.
    const { credentials, ...config } = options;
    if (!credentials) throw new AuthError('Missing credentials.', 'missing_credentials');
    const request = httpRequestFor(providerConfigKey, credentials as Record<string, unknown>, options);
    // A plain Error, as upstream: this is a programming mistake, not an authorization outcome.
    if (!request) return Promise.reject(new Error('Unsupported credentials.'));
    const query = toQueryString(this, connectionId, config);
    return postAuth(this.hostBaseUrl + request.path + query, request.body);
  }

  private _authInPopup(providerConfigKey: string, connectionId: string | undefined, options: AuthOptions): Promise<AuthResult> {
    this.clear();
    const url = `${this.hostBaseUrl}/oauth/connect/${providerConfigKey}${toQueryString(this, connectionId, options)}`;
    if (options.redirect) {
      // Redirect mode: no popup, no WebSocket. The top page (the Connect UI may be framed) leaves; `&` is safe, the
      // query always has a token. Setting href is what a cross-origin frame may do to its top window.
      top!.location.href = `${url}&return_to=${encodeURIComponent(options.redirect.returnUrl)}`;
      return new Promise(() => {});
    }
    this._authPopup = openAuthPopup(url, Boolean(options.detectClosedAuthWindow), this._popupSettings);
    return this._authPopup.result;
  }
}
