import { afterEach, describe, expect, it, vi } from 'vitest';
import Nango from '../src/index.js';
import { readRedirectResult, withoutRedirectResult } from '../src/redirect.js';
import { FakeWebSocket, fakeBrowser, token } from './fakes.js';

const host = 'https://auth.example.com';

/** The top window as the SDK sees it: its address is what redirect mode sets. */
function fakeTop() {
  const top = { location: { href: 'https://app.example.com/settings' } };
  vi.stubGlobal('top', top);
  return top;
}

afterEach(() => {
  document.body.innerHTML = '';
});

// Issue 19: OAuth without a popup. The page itself goes to /oauth/connect with return_to, nothing else is opened.
describe('auth() in redirect mode', () => {
  it('sends the top page to /oauth/connect with return_to, opens no popup and no socket, and never settles', async () => {
    const { open } = fakeBrowser();
    const top = fakeTop();
    const nango = new Nango({ host, connectSessionToken: token });

    const outcome = nango.auth('github', { params: { subdomain: 'acme' }, redirect: { returnUrl: 'https://app.example.com/done?tab=1' } });

    expect(top.location.href).toBe(
      `${host}/oauth/connect/github?connect_session_token=${token}&params[subdomain]=acme&return_to=https%3A%2F%2Fapp.example.com%2Fdone%3Ftab%3D1`);
    expect(open).not.toHaveBeenCalled();
    expect(FakeWebSocket.instances).toEqual([]);
    const settled = await Promise.race([outcome.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 20))]);
    expect(settled).toBe('pending');
  });

  it('keeps the popup when redirect is not asked for', () => {
    const { open } = fakeBrowser();
    const top = fakeTop();

    void new Nango({ host, connectSessionToken: token }).auth('github');

    expect(open).toHaveBeenCalledOnce();
    expect(top.location.href).toBe('https://app.example.com/settings');
  });
});

describe('readRedirectResult', () => {
  it('reads a success', () => {
    expect(readRedirectResult('https://app.example.com/done?tab=1&latchkey_result=success&connection_id=c-1&provider_config_key=github'))
      .toEqual({ type: 'success', providerConfigKey: 'github', connectionId: 'c-1', isPending: false });
  });

  it('reads an error with its type and message', () => {
    expect(readRedirectResult('https://app.example.com/?latchkey_result=error&error_type=callback_err&error_message=access+denied&provider_config_key=github'))
      .toEqual({ type: 'error', providerConfigKey: 'github', errorType: 'callback_err', errorMessage: 'access denied' });
  });

  it('is null on a page that no flow returned to, and reads this page by default', () => {
    expect(readRedirectResult('https://app.example.com/?tab=1')).toBeNull();
    expect(readRedirectResult()).toBeNull();
  });

  it('removes only its own parameters', () => {
    expect(withoutRedirectResult('https://app.example.com/done?tab=1&latchkey_result=success&connection_id=c-1&provider_config_key=github#x'))
      .toBe('https://app.example.com/done?tab=1#x');
  });
});

describe('openConnectUI in redirect mode', () => {
  it('tells the Connect UI to redirect and where to come back', () => {
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI({ oauthMode: 'redirect' });
    const url = new URL(ui.iframe!.src);
    expect(url.searchParams.get('oauthMode')).toBe('redirect');
    expect(url.searchParams.get('returnURL')).toBe(window.location.href);
  });

  it('adds nothing to the iframe URL when not asked for', () => {
    const ui = new Nango({ host, connectSessionToken: token }).openConnectUI();
    expect(ui.iframe!.src).toBe(`${host}/connect-ui/?apiURL=https%3A%2F%2Fauth.example.com`);
  });
});
