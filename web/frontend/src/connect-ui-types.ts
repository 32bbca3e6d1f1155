import type { AuthErrorType } from './auth-error.js';
import type { AuthResult } from './types.js';

export type ConnectUITheme = 'light' | 'dark' | 'system';

/** Props of `new ConnectUI(props)` and `nango.openConnectUI(props)` (spec §2.10). */
export interface ConnectUIProps {
  /** Connect session token; may also be given later with `setSessionToken()`. */
  sessionToken?: string;
  /** Where the Connect UI is served. Default: the server's `/connect-ui/`. */
  baseURL?: string;
  /** The API the Connect UI talks to. Default: the server (`host`). */
  apiURL?: string;
  /** Receives every event the Connect UI posts. */
  onEvent?: OnConnectEvent;
  /** Let the Connect UI report a closed OAuth popup as a failure. Default false. */
  detectClosedAuthWindow?: boolean;
  /** UI language (`en`, `fr`, `de`, `es`, `ja`); default: the browser's. */
  lang?: string;
  /** Overrides the environment's default theme. */
  themeOverride?: ConnectUITheme;
  /**
   * Latchkey extension: mount the UI inside this element (the compact `embedded=true` layout, sized by the element)
   * instead of full-screen over the page; the page keeps its scrolling.
   */
  container?: HTMLElement;
  /**
   * `'redirect'` (Latchkey only): OAuth leaves this page for the provider instead of opening a popup, and comes back to
   * this page's address with the outcome in its query (`readRedirectResult` of `@latchkey/frontend/redirect`).
   * This page's origin must be one of the environment's allowed origins. `'popup'` forces the popup. Default: the
   * popup (a standalone connect link switches to redirect on touch devices by itself).
   */
  oauthMode?: 'popup' | 'redirect';
}

export type OnConnectEvent = (event: ConnectUIEvent) => void;

/** The Connect UI is listening; the SDK answers with the session token. */
export interface ConnectUIEventReady {
  type: 'ready';
}

/** The user closed the Connect UI; the SDK has already removed the iframe. */
export interface ConnectUIEventClose {
  type: 'close';
}

/** A connection was created. */
export interface ConnectUIEventConnectionCreated {
  type: 'connect';
  payload: AuthResult;
}

/** A connection attempt failed; the Connect UI stays open. */
export interface ConnectUIEventConnectionFailed {
  type: 'error';
  payload: { errorType: AuthErrorType | (string & {}); errorMessage: string };
}

/** Appearance settings, as previewed by a dashboard. */
export interface ConnectUISettings {
  theme: { light: { primary: string }; dark: { primary: string } };
  defaultTheme: ConnectUITheme;
  showWatermark: boolean;
}

export interface ConnectUIEventSettingsChanged {
  type: 'settings_changed';
  payload: ConnectUISettings;
}

/** What `onEvent` receives. */
export type ConnectUIEvent =
  | ConnectUIEventReady
  | ConnectUIEventClose
  | ConnectUIEventConnectionCreated
  | ConnectUIEventConnectionFailed
  | ConnectUIEventSettingsChanged;

/** The message the SDK posts to the Connect UI (the UI's side of the handshake). */
export interface ConnectUIEventToken {
  type: 'session_token';
  sessionToken: string;
}
