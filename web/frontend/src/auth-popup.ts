import { AuthError } from './auth-error.js';
import { nonEmptyText } from './post-auth.js';
import type { AuthResult } from './types.js';

// Spec §12.4: how often a closed popup is looked for, and how long the result page may live after the outcome.
const closedPopupPollMs = 500;
const closeAfterOutcomeMs = 500;

/** What the popup needs of the SDK instance: where the WebSocket is, the popup's size, and the debug log. */
export interface PopupSettings {
  websocketsUrl: string;
  width: number;
  height: number;
  log: (...details: unknown[]) => void;
}

export interface AuthPopupFlow {
  result: Promise<AuthResult>;
  /** Stops watching the popup and, 500 ms later, closes it and the socket. An unsettled result stays pending. */
  clear: () => void;
}

/** The server's messages on the WebSocket (spec §2.6). */
interface ServerMessage {
  message_type?: unknown;
  ws_client_id?: unknown;
  provider_config_key?: unknown;
  connection_id?: unknown;
  is_pending?: unknown;
  error_type?: unknown;
  error_desc?: unknown;
}

/**
 * The popup path of `auth()` (spec §2.6). Must be called synchronously from `auth()`: the popup is opened before
 * any await so that popup blockers still see the user's click. The server speaks first on the socket
 * (`connection_ack`), and only then is the popup sent to the server with the socket's `ws_client_id`.
 */
export function openAuthPopup(authUrl: string, detectClosedAuthWindow: boolean, settings: PopupSettings): AuthPopupFlow {
  const { websocketsUrl, width, height, log } = settings;
  const popup = window.open('', '_blank', popupFeatures(width, height, window.screen));
  let socket: WebSocket | undefined;
  let closedPopupPoll: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  let settled!: (outcome: AuthResult | AuthError) => void;
  const result = new Promise<AuthResult>((resolve, reject) => {
    settled = (outcome) => (outcome instanceof AuthError ? reject(outcome) : resolve(outcome));
  });

  const clear = (): void => {
    if (finished) return;
    finished = true;
    clearInterval(closedPopupPoll);
    // The result page posts to its opener before closing itself; give it that time (spec §2.6 step 8).
    setTimeout(() => {
      if (popup && !popup.closed) popup.close();
      socket?.close();
    }, closeAfterOutcomeMs);
  };

  const settle = (outcome: AuthResult | AuthError): void => {
    if (finished) return;
    log('auth outcome', outcome);
    clear();
    settled(outcome);
  };
  const fail = (message: string, type: string): void => settle(new AuthError(message, type));

  if (!popup || popup.closed) {
    fail('Popup blocked.', 'blocked_by_browser');
    return { result, clear };
  }

  // Always a URL: it extends the host the constructor checked.
  const url = new URL(authUrl);
  socket = new WebSocket(websocketsUrl);
  // The message handler runs to completion without awaiting, so the closed-popup poll can never interleave
  // with it: upstream's "skip the poll while a message is processed" holds by construction.
  socket.onmessage = (event: MessageEvent) => {
    const message = parseMessage(event.data);
    log('WebSocket message', message);
    const type = message.message_type;
    if (type === 'connection_ack') {
      if (popup.closed) return fail('Popup closed.', 'blocked_by_browser');
      // Re-serialising through searchParams percent-encodes the brackets; the server accepts both forms (§1.3).
      url.searchParams.set('ws_client_id', String(message.ws_client_id));
      popup.location = url.href;
    } else if (type === 'success') {
      settle({
        providerConfigKey: message.provider_config_key as string,
        connectionId: message.connection_id as string,
        isPending: message.is_pending as boolean | undefined,
      });
    } else if (type === 'error') {
      const errorType = nonEmptyText(message.error_type) ?? 'unknown_error';
      fail(nonEmptyText(message.error_desc) ?? `Auth failed: ${errorType}`, errorType);
    }
  };
  // Upstream waits forever when the socket drops before an outcome (spec §2.6); telling the caller is kinder.
  socket.onclose = () => fail('Socket closed.', 'unknown_error');

  if (detectClosedAuthWindow) {
    closedPopupPoll = setInterval(() => popup.closed && fail('Popup closed.', 'window_closed'), closedPopupPollMs);
  }

  return { result, clear };
}

/** Centred on the screen, never larger than it (spec §2.6 step 1; the position is deliberately not rounded). */
export function popupFeatures(width: number, height: number, screen: { width: number; height: number }): string {
  const left = Math.max(screen.width / 2 - width / 2, 0);
  const top = Math.max(screen.height / 2 - height / 2, 0);
  const size = `width=${Math.min(width, screen.width)},height=${Math.min(height, screen.height)}`;
  return `left=${left},top=${top},${size},scrollbars=yes,resizable=yes,status=no,toolbar=no,location=no,copyhistory=no,menubar=no,directories=no`;
}

// Object() turns null and other non-objects into an object without the fields: they read as undefined.
function parseMessage(data: unknown): ServerMessage {
  try {
    return Object(JSON.parse(String(data))) as ServerMessage;
  } catch {
    return {};
  }
}
