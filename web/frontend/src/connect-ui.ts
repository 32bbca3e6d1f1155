import { AuthError } from './auth-error.js';
import type { ConnectUIEvent, ConnectUIEventToken, ConnectUIProps } from './connect-ui-types.js';
import { defaultHost } from './server-urls.js';

// Latchkey's server serves both the API and, under /connect-ui/, the Connect UI.
const defaultApiURL = defaultHost;
const defaultBaseURL = `${defaultHost}/connect-ui/`;

/**
 * The Connect UI in a full-page iframe (spec §2.10). The UI posts `ready`, gets the session token back, and reports
 * `connect`, `error` and `close`; the token never appears in the iframe URL.
 */
export class ConnectUI {
  /** The iframe while the UI is open, else null. */
  iframe: HTMLIFrameElement | null = null;

  private readonly _props: ConnectUIProps;
  private _sessionToken: string | undefined;
  private _origin = '';
  private _isReady = false;
  private _overflowBeforeOpen = '';

  constructor(props: ConnectUIProps = {}) {
    this._props = props;
    this._sessionToken = props.sessionToken;
  }

  /**
   * Appends the iframe to the page, full-screen, or into `container` in the compact embedded layout; does nothing
   * while it is already there.
   */
  open(): void {
    if (this.iframe?.isConnected) return;
    // The page removed a previous iframe itself: undo what that opening did before starting again.
    this.close();
    const url = this._iframeURL();
    this._origin = url.origin;

    const iframe = document.createElement('iframe');
    iframe.id = 'connect-ui';
    iframe.src = url.href;
    iframe.setAttribute('allow', 'clipboard-write');
    const { container } = this._props;
    iframe.style.cssText = container
      ? 'display:block;border:0;width:100%;height:100%'
      : 'position:fixed;z-index:9999;top:0;left:0;right:0;bottom:0;width:100vw;height:100vh;background-color:transparent';
    this.iframe = iframe;
    window.addEventListener('message', this._onMessage);
    (container ?? document.body).appendChild(iframe);
    if (container) return;
    this._overflowBeforeOpen = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
  }

  /** Removes the iframe and its listener and gives the page its scrolling back. */
  close(): void {
    window.removeEventListener('message', this._onMessage);
    if (!this.iframe) return;
    this.iframe.remove();
    this.iframe = null;
    this._isReady = false;
    if (!this._props.container) document.body.style.overflow = this._overflowBeforeOpen;
  }

  /** Gives the UI its session token now if it is listening, else as soon as it says `ready`. */
  setSessionToken(sessionToken: string): void {
    this._sessionToken = sessionToken;
    if (this._isReady) this._sendSessionToken();
  }

  // Spec §2.10: trailing slash (the UI loads its assets relatively), then apiURL always, the rest only when set.
  private _iframeURL(): URL {
    const { baseURL = defaultBaseURL, apiURL = defaultApiURL, detectClosedAuthWindow, lang, themeOverride, container, oauthMode } = this._props;
    let url: URL;
    try {
      url = new URL(baseURL);
    } catch {
      throw new AuthError('Invalid URL.', 'invalid_host_url');
    }
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.searchParams.set('apiURL', apiURL);
    if (detectClosedAuthWindow) url.searchParams.set('detectClosedAuthWindow', 'true');
    if (lang) url.searchParams.set('lang', lang);
    if (themeOverride) url.searchParams.set('theme', themeOverride);
    if (container) url.searchParams.set('embedded', 'true');
    // Redirect mode comes back to this page (spec §2.10's parameters are unchanged when it is not asked for).
    if (oauthMode) url.searchParams.set('oauthMode', oauthMode), url.searchParams.set('returnURL', location.href);
    return url;
  }

  // An arrow property, so that the same function can be added and removed as a listener.
  private readonly _onMessage = (event: MessageEvent): void => {
    // Stricter than upstream, which checks only the origin: another frame of the same origin cannot speak for
    // the UI, and the token is posted to that exact origin rather than '*'.
    // Reading `type` of a string or a number gives undefined too: only objects with a non-empty string type pass.
    const uiEvent = event.data as ConnectUIEvent | null | undefined;
    if (event.origin !== this._origin || event.source !== this.iframe?.contentWindow) return;
    if (typeof uiEvent?.type !== 'string' || !uiEvent.type) return;
    if (uiEvent.type === 'ready') {
      this._isReady = true;
      this._sendSessionToken();
    } else if (uiEvent.type === 'close') {
      this.close();
    }
    this._props.onEvent?.(uiEvent);
  };

  private _sendSessionToken(): void {
    if (!this._sessionToken) return;
    const message: ConnectUIEventToken = { type: 'session_token', sessionToken: this._sessionToken };
    this.iframe?.contentWindow?.postMessage(message, this._origin);
  }
}
