import { afterEach, describe, expect, it, vi } from 'vitest';
import { readParams } from '../src/lib/params';
import { recallToken, redirectTarget, rememberToken } from '../src/lib/redirect';

const origin = 'https://auth.example.com';
const link = `${origin}/connect-ui/?session_token=nango_connect_session_abc&apiURL=https%3A%2F%2Fauth.example.com`;
const paramsOf = (href: string, standalone: boolean) => readParams({ search: new URL(href).search, origin }, standalone);
const touch = (coarse: boolean) => vi.stubGlobal('matchMedia', (query: string) => ({ matches: coarse && query === '(pointer: coarse)' }));

afterEach(() => sessionStorage.clear());

// Issue 19: when the Connect UI leaves for the provider instead of opening a popup, and where it asks to come back.
describe('redirectTarget', () => {
  it('keeps the popup on a desktop connect link', () => {
    touch(false);
    expect(redirectTarget(paramsOf(link, true), { href: link }, false)).toBeNull();
  });

  it('redirects a connect link on a touch device, back to itself without the session token', () => {
    touch(true);
    expect(redirectTarget(paramsOf(link, true), { href: link }, false)).toBe(`${origin}/connect-ui/?apiURL=https%3A%2F%2Fauth.example.com`);
  });

  it('redirects a desktop connect link whose popup was refused', () => {
    touch(false);
    expect(redirectTarget(paramsOf(link, true), { href: link }, true)).toBe(`${origin}/connect-ui/?apiURL=https%3A%2F%2Fauth.example.com`);
  });

  it('never redirects when the popup is asked for, or in the dashboard preview', () => {
    touch(true);
    expect(redirectTarget(paramsOf(`${link}&oauthMode=popup`, true), { href: link }, true)).toBeNull();
    expect(redirectTarget(paramsOf(`${link}&preview=true`, true), { href: link }, true)).toBeNull();
  });

  it('embedded: only when the SDK asks, back to the page that embeds it', () => {
    touch(true);
    const embedded = `${origin}/connect-ui/?apiURL=x&oauthMode=redirect&returnURL=${encodeURIComponent('https://app.example.com/settings')}`;
    expect(redirectTarget(paramsOf(embedded, false), { href: embedded }, false)).toBe('https://app.example.com/settings');
    expect(redirectTarget(paramsOf(`${origin}/connect-ui/?apiURL=x`, false), { href: '' }, true)).toBeNull();
  });
});

describe('the return to the connect link', () => {
  it('reads the outcome and takes the token kept in sessionStorage', () => {
    rememberToken('nango_connect_session_abc');
    const params = paramsOf(`${origin}/connect-ui/?apiURL=x&latchkey_result=error&error_type=callback_err&error_message=denied&provider_config_key=github`, true);
    expect(params.redirectResult).toEqual({ type: 'error', providerConfigKey: 'github', errorType: 'callback_err', errorMessage: 'denied' });
    expect(params.sessionToken).toBe('nango_connect_session_abc');
  });

  it('does not take a kept token without an outcome', () => {
    rememberToken('nango_connect_session_abc');
    expect(paramsOf(`${origin}/connect-ui/?apiURL=x`, true).sessionToken).toBeNull();
    expect(recallToken()).toBe('nango_connect_session_abc');
  });
});
