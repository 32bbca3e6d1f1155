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

  private readonly props: ConnectUIProps;
  private sessionToken: string | undefined;
  private origin = '';
  private isReady = false;
  private overflowBeforeOpen = '';

  constructor(props: ConnectUIProps = {}) {
    this.props = props;
    this.sessionToken = props.sessionToken;
  }

  /** Appends the iframe to the page; does nothing while it is already there. */
  open(): void {
    if (this.iframe?.isConnected) return;
    // The page removed a previous iframe itself: undo what that opening did before starting again.
    this.close();
    const url = this.iframeURL();
    this.origin = url.origin;
    this.isReady = false;

    const iframe = document.createElement('iframe');
    iframe.id = 'connect-ui';
    iframe.src = url.href;
    iframe.setAttribute('allow', 'clipboard-write');
    Object.assign(iframe.style, {
      position: 'fixed',
      zIndex: '9999',
      top: '0',
      left: '0',
      right: '0',
      bottom: '0',
      width: '100vw',
      height: '100vh',
      backgroundColor: 'transparent',
    });
    this.iframe = iframe;
    window.addEventListener('message', this.onMessage);
    document.body.appendChild(iframe);
    this.overflowBeforeOpen = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
  }

  /** Removes the iframe and its listener and gives the page its scrolling back. */
  close(): void {
    window.removeEventListener('message', this.onMessage);
    if (!this.iframe) return;
    this.iframe.remove();
    this.iframe = null;
    this.isReady = false;
    document.body.style.overflow = this.overflowBeforeOpen;
  }

  /** Gives the UI its session token now if it is listening, else as soon as it says `ready`. */
  setSessionToken(sessionToken: string): void {
    this.sessionToken = sessionToken;
    if (this.isReady) this.sendSessionToken();
  }

  // Spec §2.10: trailing slash (the UI loads its assets relatively), then apiURL always, the rest only when set.
  private iframeURL(): URL {
    const { baseURL = defaultBaseURL, apiURL = defaultApiURL, detectClosedAuthWindow, lang, themeOverride } = this.props;
    let url: URL;
    try {
      url = new URL(baseURL);
    } catch {
      throw new AuthError('Invalid URL provided for the Connect UI.', 'invalid_host_url');
    }
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.searchParams.set('apiURL', apiURL);
    if (detectClosedAuthWindow) url.searchParams.set('detectClosedAuthWindow', 'true');
    if (lang) url.searchParams.set('lang', lang);
    if (themeOverride) url.searchParams.set('theme', themeOverride);
    return url;
  }

  // An arrow property, so that the same function can be added and removed as a listener.
  private readonly onMessage = (event: MessageEvent): void => {
    // Stricter than upstream, which checks only the origin: another frame of the same origin cannot speak for
    // the UI, and the token is posted to that exact origin rather than '*'.
    const data: unknown = event.data;
    if (event.origin !== this.origin || !this.iframe || event.source !== this.iframe.contentWindow) return;
    if (data === null || typeof data !== 'object' || !('type' in data) || typeof data.type !== 'string' || !data.type) return;
    const uiEvent = data as ConnectUIEvent;
    if (uiEvent.type === 'ready') {
      this.isReady = true;
      this.sendSessionToken();
    } else if (uiEvent.type === 'close') {
      this.close();
    }
    this.props.onEvent?.(uiEvent);
  };

  private sendSessionToken(): void {
    if (!this.sessionToken) return;
    const message: ConnectUIEventToken = { type: 'session_token', sessionToken: this.sessionToken };
    this.iframe?.contentWindow?.postMessage(message, this.origin);
  }
}
