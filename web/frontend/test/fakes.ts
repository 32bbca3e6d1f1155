import { vi } from 'vitest';

/** Stands in for the browser's WebSocket: the test plays the server. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  /** Like a browser, a closed socket reports `close` (here at once, which is the harsher order). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  send(message: object): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  static last(): FakeWebSocket {
    const socket = FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    if (!socket) throw new Error('no WebSocket was opened');
    return socket;
  }
}

export interface FakePopup {
  closed: boolean;
  location: string;
  close(): void;
}

/** Installs the fake socket and a fake `window.open`; returns the popup it hands out (or null: blocked). */
export function fakeBrowser(popup: FakePopup | null = newPopup()) {
  FakeWebSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  const open = vi.spyOn(window, 'open').mockReturnValue(popup as unknown as Window);
  return { popup, open };
}

export function newPopup(): FakePopup {
  return {
    closed: false,
    location: 'about:blank',
    close() {
      this.closed = true;
    },
  };
}

/** Replaces `fetch` with one that answers `status` and `body` (an object is sent as JSON). */
export function stubFetch(status: number, body: unknown) {
  const fetch = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

export const token = 'nango_connect_session_' + 'ab'.repeat(32);
