import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useConnectUI, type UseConnectUIOptions, type UseConnectUIResult } from '../src/react/index.js';

const baseURL = 'https://auth.example.com/connect-ui/';
const uiOrigin = 'https://auth.example.com';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let hook: UseConnectUIResult;

function Harness({ options }: { options: UseConnectUIOptions }) {
  hook = useConnectUI(options);
  return null;
}

function render(options: UseConnectUIOptions) {
  act(() => root.render(createElement(Harness, { options })));
}

function iframe(): HTMLIFrameElement {
  const element = document.querySelector('iframe');
  if (!element?.contentWindow) throw new Error('no Connect UI iframe');
  return element;
}

function fromUI(data: unknown) {
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data, origin: uiOrigin, source: iframe().contentWindow }));
  });
}

beforeEach(() => {
  root = createRoot(document.createElement('div'));
});
afterEach(() => {
  act(() => root.unmount());
  document.body.innerHTML = '';
});

describe('useConnectUI', () => {
  it('mounts the UI in a container when given one', async () => {
    const panel = document.body.appendChild(document.createElement('section'));
    render({ sessionToken: 'tok', baseURL, container: panel, onEvent: vi.fn() });
    await act(() => hook.open());
    expect(iframe().parentElement).toBe(panel);
    expect(new URL(iframe().src).searchParams.get('embedded')).toBe('true');
  });

  it('opens the Connect UI with a session token and follows its close event', async () => {
    const onEvent = vi.fn();
    render({ sessionToken: 'tok', baseURL, apiURL: 'https://auth.example.com', lang: 'de', onEvent });
    expect(hook.isOpen).toBe(false);

    await act(() => hook.open());
    expect(hook.isOpen).toBe(true);
    expect(iframe().src).toBe(`${baseURL}?apiURL=https%3A%2F%2Fauth.example.com&lang=de`);
    const postMessage = vi.spyOn(iframe().contentWindow as Window, 'postMessage');
    fromUI({ type: 'ready' });
    expect(postMessage).toHaveBeenCalledWith({ type: 'session_token', sessionToken: 'tok' }, uiOrigin);

    fromUI({ type: 'close' });
    expect(hook.isOpen).toBe(false);
    expect(document.querySelector('iframe')).toBeNull();
    expect(onEvent.mock.calls.map(([event]) => event.type)).toEqual(['ready', 'close']);
  });

  it('shows the UI at once and hands over the token once getSessionToken resolves', async () => {
    let giveToken: (token: string) => void = () => {};
    const getSessionToken = () => new Promise<string>((resolve) => (giveToken = resolve));
    render({ getSessionToken, baseURL, onEvent: () => {} });

    let opened: Promise<void> = Promise.resolve();
    act(() => {
      opened = hook.open();
    });
    expect(hook.isOpen).toBe(true);
    const postMessage = vi.spyOn(iframe().contentWindow as Window, 'postMessage');
    fromUI({ type: 'ready' });
    expect(postMessage).not.toHaveBeenCalled();

    await act(async () => {
      giveToken('late-token');
      await opened;
    });
    expect(postMessage).toHaveBeenCalledWith({ type: 'session_token', sessionToken: 'late-token' }, uiOrigin);
  });

  it('closes the UI and rejects open() when getSessionToken fails', async () => {
    const failure = new Error('backend down');
    render({ getSessionToken: () => Promise.reject(failure), baseURL, onEvent: () => {} });
    await act(async () => {
      await expect(hook.open()).rejects.toBe(failure);
    });
    expect(hook.isOpen).toBe(false);
    expect(document.querySelector('iframe')).toBeNull();
  });

  it('opens one UI at a time and closes it on close()', async () => {
    render({ sessionToken: 'tok', baseURL, onEvent: () => {} });
    await act(() => hook.open());
    await act(() => hook.open());
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
    act(() => hook.close());
    expect(hook.isOpen).toBe(false);
    expect(document.querySelector('iframe')).toBeNull();
  });

  it('sends events to the latest onEvent', async () => {
    const first = vi.fn();
    const second = vi.fn();
    render({ sessionToken: 'tok', baseURL, onEvent: first });
    await act(() => hook.open());
    render({ sessionToken: 'tok', baseURL, onEvent: second });
    fromUI({ type: 'connect', payload: { providerConfigKey: 'acme', connectionId: 'c-1' } });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith({ type: 'connect', payload: { providerConfigKey: 'acme', connectionId: 'c-1' } });
  });

  it('removes the iframe, its listener and the scroll lock on unmount', async () => {
    const onEvent = vi.fn();
    render({ sessionToken: 'tok', baseURL, onEvent });
    await act(() => hook.open());
    const contentWindow = iframe().contentWindow;
    expect(document.body.style.overflow).toBe('hidden');

    act(() => root.unmount());

    expect(document.querySelector('iframe')).toBeNull();
    expect(document.body.style.overflow).toBe('');
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'ready' }, origin: uiOrigin, source: contentWindow }));
    expect(onEvent).not.toHaveBeenCalled();
    root = createRoot(document.createElement('div'));
  });
});
