import { AuthError } from './auth-error.js';
import type { AuthResult } from './types.js';

// Spec §12.4: how often a closed popup is looked for, and how long the result page may live after the outcome.
const closedPopupPollMs = 500;
const closeAfterOutcomeMs = 500;

export interface AuthPopupOptions {
  /** `/oauth/connect/:key` with its query string, before `ws_client_id` is added. */
  url: string;
  websocketsUrl: string;
  width: number;
  height: number;
  detectClosedAuthWindow: boolean;
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
export function openAuthPopup(options: AuthPopupOptions): AuthPopupFlow {
  const popup = window.open('', '_blank', popupFeatures(options.width, options.height, window.screen));
  let socket: WebSocket | undefined;
  let closedPopupPoll: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  let resolve!: (result: AuthResult) => void;
  let reject!: (error: Error) => void;
  const result = new Promise<AuthResult>((res, rej) => {
    resolve = res;
    reject = rej;
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
    options.log('auth outcome', outcome);
    clear();
    if (outcome instanceof AuthError) reject(outcome);
    else resolve(outcome);
  };

  if (!popup || popup.closed) {
    settle(new AuthError('The browser blocked the authorization popup.', 'blocked_by_browser'));
    return { result, clear };
  }

  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    settle(new AuthError('The authorization URL is not valid.', 'invalid_host_url'));
    return { result, clear };
  }

  socket = new WebSocket(options.websocketsUrl);
  // The message handler runs to completion without awaiting, so the closed-popup poll can never interleave
  // with it: upstream's "skip the poll while a message is processed" holds by construction.
  socket.onmessage = (event: MessageEvent) => {
    const message = parseMessage(event.data);
    options.log('WebSocket message', message);
    switch (message.message_type) {
      case 'connection_ack':
        if (popup.closed) {
          settle(new AuthError('The authorization popup was closed before it could be used.', 'blocked_by_browser'));
          return;
        }
        // Re-serialising through searchParams percent-encodes the brackets; the server accepts both forms (§1.3).
        url.searchParams.set('ws_client_id', String(message.ws_client_id));
        popup.location = url.href;
        return;
      case 'success':
        settle({
          providerConfigKey: message.provider_config_key as string,
          connectionId: message.connection_id as string,
          isPending: message.is_pending as boolean | undefined,
        });
        return;
      case 'error': {
        const type = typeof message.error_type === 'string' && message.error_type ? message.error_type : 'unknown_error';
        const text = typeof message.error_desc === 'string' && message.error_desc ? message.error_desc : `The authorization failed (${type}).`;
        settle(new AuthError(text, type));
        return;
      }
    }
  };
  // Upstream waits forever when the socket drops before an outcome (spec §2.6); telling the caller is kinder.
  socket.onclose = () =>
    settle(new AuthError('The connection to the server closed before the authorization finished.', 'unknown_error'));

  if (options.detectClosedAuthWindow) {
    closedPopupPoll = setInterval(() => {
      if (popup.closed) settle(new AuthError('The authorization window was closed before the end of the flow.', 'window_closed'));
    }, closedPopupPollMs);
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

function parseMessage(data: unknown): ServerMessage {
  try {
    const parsed: unknown = JSON.parse(String(data));
    return parsed !== null && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}
