// Messages to and from the page that embeds the UI (spec §2.10, §3.8).
import type { AuthResult } from '@latchkey/frontend';

export type ParentEvent =
  | { type: 'ready' }
  | { type: 'close' }
  | { type: 'connect'; payload: AuthResult }
  | { type: 'error'; payload: { errorType: string; errorMessage: string } };

/**
 * Posts to the embedding page. The UI cannot know that page's origin (the SDK filters by the UI's origin on its side),
 * so the target is '*' (spec §2.10); nothing secret is ever in these messages. A standalone page has no parent.
 */
export function postToParent(event: ParentEvent): void {
  if (window.parent === window) return;
  window.parent.postMessage(event, '*');
}

/** What the OAuth callback page reports on failure (spec §3.8, §5.7). */
export interface CallbackPayload {
  message?: string;
  errorType?: string;
}

export interface Inbound {
  onToken(token: string): void;
  onSettings(settings: unknown): void;
  onCallback(kind: 'success' | 'error', payload: CallbackPayload | undefined): void;
}

/**
 * Every received message is checked: the token and settings only from our parent window, the OAuth callback
 * page's messages only from the API's origin (it is served there), acknowledged to exactly that origin.
 */
export function listen(apiOrigin: string, preview: boolean, inbound: Inbound): () => void {
  const handler = (event: MessageEvent) => {
    const data = event.data as { type?: unknown; sessionToken?: unknown; payload?: unknown } | null;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    const fromParent = window.parent !== window && event.source === window.parent;
    if (data.type === 'session_token' && fromParent && typeof data.sessionToken === 'string') {
      inbound.onToken(data.sessionToken);
    } else if (data.type === 'settings_changed' && fromParent && preview) {
      inbound.onSettings(data.payload);
    } else if (
      (data.type === 'nango_oauth_callback_success' || data.type === 'nango_oauth_callback_error') &&
      event.origin === apiOrigin && event.source && event.source !== window
    ) {
      (event.source as WindowProxy).postMessage({ type: 'nango_oauth_callback_ack' }, event.origin);
      inbound.onCallback(data.type === 'nango_oauth_callback_success' ? 'success' : 'error', data.payload as CallbackPayload | undefined);
    }
  };
  window.addEventListener('message', handler);
  return () => window.removeEventListener('message', handler);
}
