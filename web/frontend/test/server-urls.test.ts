import { describe, expect, it } from 'vitest';
import { AuthError } from '../src/auth-error.js';
import { resolveServerUrls } from '../src/server-urls.js';

// Spec §2.2: `new URL(websocketsPath, host)` with http(s) → ws(s).
describe('resolveServerUrls', () => {
  it('defaults to the local Latchkey server and the root WebSocket path', () => {
    expect(resolveServerUrls()).toEqual({ hostBaseUrl: 'http://localhost:3003', websocketsUrl: 'ws://localhost:3003/' });
  });

  it('strips trailing slashes from the host', () => {
    expect(resolveServerUrls('http://127.0.0.1:3003///').hostBaseUrl).toBe('http://127.0.0.1:3003');
  });

  it('turns https into wss', () => {
    expect(resolveServerUrls('https://auth.example.com').websocketsUrl).toBe('wss://auth.example.com/');
  });

  it('lets an absolute path replace the path of the host', () => {
    const urls = resolveServerUrls('https://example.com/latchkey', '/ws');
    expect(urls).toEqual({ hostBaseUrl: 'https://example.com/latchkey', websocketsUrl: 'wss://example.com/ws' });
  });

  it('resolves a relative path against the host', () => {
    expect(resolveServerUrls('http://example.com/latchkey/', 'ws').websocketsUrl).toBe('ws://example.com/latchkey/ws');
  });

  it.each([['not a url'], [''], ['ftp://example.com'], ['http:///']])('refuses host %j as invalid_host_url', (host) => {
    expect(() => resolveServerUrls(host)).toThrow(AuthError);
    expect(() => resolveServerUrls(host)).toThrow(expect.objectContaining({ type: 'invalid_host_url' }));
  });

  it('refuses a WebSocket path that is a URL of another scheme', () => {
    expect(() => resolveServerUrls('http://example.com', 'ftp://example.com/')).toThrow(
      expect.objectContaining({ type: 'invalid_host_url' }),
    );
  });
});
