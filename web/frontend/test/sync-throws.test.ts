import { describe, expect, it, vi } from 'vitest';
import Nango, { AuthError } from '../src/index.js';
import { stubFetch, token } from './fakes.js';

// Spec §2.3, §2.7, §11.3: these are thrown before auth() returns, not rejected, and nothing is sent.
describe('synchronous throws', () => {
  it('auth() throws missing_auth_token without a token or public key', () => {
    const open = vi.spyOn(window, 'open');
    const fetch = stubFetch(200, {});
    expect(() => new Nango().auth('acme')).toThrow(expect.objectContaining({ type: 'missing_auth_token' }));
    expect(() => new Nango().auth('acme', { credentials: { apiKey: 'k' } })).toThrow(AuthError);
    expect(open).not.toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('auth() throws missing_credentials for an outbound installation without credentials', () => {
    const fetch = stubFetch(200, {});
    const nango = new Nango({ connectSessionToken: token });
    expect(() => nango.auth('acme', { installation: 'outbound' })).toThrow(expect.objectContaining({ type: 'missing_credentials' }));
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reconnect() throws missing_connect_session_token with only a public key', () => {
    expect(() => new Nango({ publicKey: 'pk' }).reconnect('acme')).toThrow(
      expect.objectContaining({ type: 'missing_connect_session_token' }),
    );
  });

  it('the constructor throws invalid_host_url', () => {
    expect(() => new Nango({ host: 'nope' })).toThrow(expect.objectContaining({ type: 'invalid_host_url' }));
  });

  it('AuthError is an Error with a public type', () => {
    const error = new AuthError('message', 'window_closed');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'AuthError', message: 'message', type: 'window_closed' });
  });
});
