import { afterEach, describe, expect, it, vi } from 'vitest';
import Nango, { ConnectUI, type ConnectUIEvent } from '../src/index.js';
import { token } from './fakes.js';

const host = 'https://auth.example.com';
const uiOrigin = 'https://auth.example.com';

function iframeOf(ui: ConnectUI): HTMLIFrameElement {
  if (!ui.iframe?.contentWindow) throw new Error('the Connect UI is not open');
  return ui.iframe;
}

/** Posts a message to the page as if it came from `source` at `origin`. */
function post(data: unknown, origin: string, source: Window | null) {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
}

function fromUI(ui: ConnectUI, data: unknown) {
  post(data, uiOrigin, iframeOf(ui).contentWindow);
}

function spyOnUI(ui: ConnectUI) {
  return vi.spyOn(iframeOf(ui).contentWindow as Window, 'postMessage').mockImplementation(() => {});
}

afterEach(() => {
  document.body.innerHTML = '';
  document.body.style.overflow = '';
});

// Spec §2.10: the iframe URL.
describe('Connect UI URL', () => {
  it('defaults to the server: /connect-ui/ with apiURL = host', () => {
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI();
    expect(iframeOf(ui).src).toBe('https://auth.example.com/connect-ui/?apiURL=https%3A%2F%2Fauth.example.com');
  });

  it('keeps a path of the host in both defaults', () => {
    const ui = new Nango({ host: 'https://example.com/latchkey/' }).openConnectUI();
    expect(iframeOf(ui).src).toBe('https://example.com/latchkey/connect-ui/?apiURL=https%3A%2F%2Fexample.com%2Flatchkey');
  });

  it('has standalone defaults pointing at the local server', () => {
    const ui = new ConnectUI();
    ui.open();
    expect(iframeOf(ui).src).toBe('http://localhost:3003/connect-ui/?apiURL=http%3A%2F%2Flocalhost%3A3003');
  });

  it('adds a trailing slash and the optional parameters in order', () => {
    const ui = new ConnectUI({
      baseURL: 'https://connect.example.com/base',
      apiURL: 'https://api.example.com',
      detectClosedAuthWindow: true,
      lang: 'fr',
      themeOverride: 'dark',
    });
    ui.open();
    expect(iframeOf(ui).src).toBe(
      'https://connect.example.com/base/?apiURL=https%3A%2F%2Fapi.example.com&detectClosedAuthWindow=true&lang=fr&theme=dark',
    );
  });

  it('leaves detectClosedAuthWindow out when false and never puts the token in the URL', () => {
    const ui = new ConnectUI({ baseURL: 'http://127.0.0.1:3009', apiURL: 'http://127.0.0.1:3003', sessionToken: token, detectClosedAuthWindow: false, lang: 'fr' });
    ui.open();
    expect(iframeOf(ui).src).toBe('http://127.0.0.1:3009/?apiURL=http%3A%2F%2F127.0.0.1%3A3003&lang=fr');
  });

  it('refuses a baseURL that is not a URL', () => {
    expect(() => new ConnectUI({ baseURL: 'nope' }).open()).toThrow(expect.objectContaining({ type: 'invalid_host_url' }));
  });
});

describe('Connect UI iframe', () => {
  it('covers the page, allows clipboard writes and stops the page from scrolling', () => {
    document.body.style.overflow = 'scroll';
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI();
    const iframe = iframeOf(ui);
    expect(iframe.parentElement).toBe(document.body);
    expect(iframe.id).toBe('connect-ui');
    expect(iframe.getAttribute('allow')).toBe('clipboard-write');
    expect(iframe.style).toMatchObject({
      position: 'fixed',
      zIndex: '9999',
      top: '0px',
      left: '0px',
      right: '0px',
      bottom: '0px',
      width: '100vw',
      height: '100vh',
      backgroundColor: 'transparent',
    });
    expect(document.body.style.overflow).toBe('hidden');

    ui.close();
    expect(iframe.isConnected).toBe(false);
    expect(ui.iframe).toBeNull();
    expect(document.body.style.overflow).toBe('scroll');
  });

  it('in a container: the embedded layout, sized by the container, and the page keeps its scrolling', () => {
    document.body.style.overflow = 'scroll';
    const panel = document.body.appendChild(document.createElement('div'));
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI({ container: panel, lang: 'fr' });
    const iframe = iframeOf(ui);
    expect(iframe.parentElement).toBe(panel);
    expect(iframe.src).toBe('https://auth.example.com/connect-ui/?apiURL=https%3A%2F%2Fauth.example.com&lang=fr&embedded=true');
    expect(iframe.style).toMatchObject({ position: '', width: '100%', height: '100%' });
    expect(document.body.style.overflow).toBe('scroll');

    document.body.style.overflow = 'hidden'; // the page's own business while the UI is open
    fromUI(ui, { type: 'close' });
    expect(panel.querySelector('iframe')).toBeNull();
    expect(document.body.style.overflow).toBe('hidden');
  });

  it('opens once while the iframe is attached, and again after close()', () => {
    const ui = new ConnectUI();
    ui.open();
    ui.open();
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
    ui.close();
    ui.open();
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
  });
});

describe('Connect UI messages', () => {
  it('answers ready with the session token, posted to the exact UI origin', () => {
    const onEvent = vi.fn();
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI({ onEvent });
    const postMessage = spyOnUI(ui);

    fromUI(ui, { type: 'ready' });

    expect(postMessage).toHaveBeenCalledWith({ type: 'session_token', sessionToken: token }, uiOrigin);
    expect(onEvent).toHaveBeenCalledWith({ type: 'ready' });
  });

  it('prefers the token given in the props', () => {
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI({ sessionToken: 'other' });
    const postMessage = spyOnUI(ui);
    fromUI(ui, { type: 'ready' });
    expect(postMessage).toHaveBeenCalledWith({ type: 'session_token', sessionToken: 'other' }, uiOrigin);
  });

  it('holds a token set before ready, and sends one set after ready at once', () => {
    const ui = new Nango({ host }).openConnectUI();
    const postMessage = spyOnUI(ui);
    fromUI(ui, { type: 'ready' });
    expect(postMessage).not.toHaveBeenCalled();

    ui.setSessionToken('late');
    expect(postMessage).toHaveBeenLastCalledWith({ type: 'session_token', sessionToken: 'late' }, uiOrigin);
  });

  it('forwards connect, error and settings_changed events with their payloads', () => {
    const events: ConnectUIEvent[] = [];
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI({ onEvent: (e) => events.push(e) });
    const sent: ConnectUIEvent[] = [
      { type: 'connect', payload: { providerConfigKey: 'acme', connectionId: 'c-1' } },
      { type: 'error', payload: { errorType: 'connection_test_failed', errorMessage: 'bad key' } },
      {
        type: 'settings_changed',
        payload: { theme: { light: { primary: '#000' }, dark: { primary: '#fff' } }, defaultTheme: 'system', showWatermark: false },
      },
    ];
    for (const event of sent) fromUI(ui, event);
    expect(events).toEqual(sent);
    expect(ui.iframe).not.toBeNull();
  });

  it.each<[string, unknown, string, 'iframe' | 'page' | null]>([
    ['another origin', { type: 'ready' }, 'https://evil.example.com', 'iframe'],
    ['another window of the right origin', { type: 'ready' }, uiOrigin, 'page'],
    ['no source', { type: 'ready' }, uiOrigin, null],
    ['a string', 'ready', uiOrigin, 'iframe'],
    ['null', null, uiOrigin, 'iframe'],
    ['an empty type', { type: '' }, uiOrigin, 'iframe'],
    ['a type that is not a string', { type: 1 }, uiOrigin, 'iframe'],
  ])('ignores a message from %s', (_case, data, origin, source) => {
    const onEvent = vi.fn();
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI({ onEvent });
    const postMessage = spyOnUI(ui);
    post(data, origin, source === 'iframe' ? iframeOf(ui).contentWindow : source === 'page' ? window : null);
    expect(onEvent).not.toHaveBeenCalled();
    expect(postMessage).not.toHaveBeenCalled();
  });

  it('on close removes the iframe and its listener, restores scrolling, then tells onEvent', () => {
    document.body.style.overflow = 'auto';
    const onEvent = vi.fn((event: ConnectUIEvent) => {
      if (event.type === 'close') expect(document.querySelector('iframe')).toBeNull();
    });
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI({ onEvent });
    const contentWindow = iframeOf(ui).contentWindow;

    fromUI(ui, { type: 'close' });

    expect(onEvent).toHaveBeenCalledWith({ type: 'close' });
    expect(ui.iframe).toBeNull();
    expect(document.body.style.overflow).toBe('auto');
    post({ type: 'ready' }, uiOrigin, contentWindow);
    expect(onEvent).toHaveBeenCalledTimes(1);
  });
});
