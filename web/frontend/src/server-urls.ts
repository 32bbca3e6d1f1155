import { AuthError } from './auth-error.js';

/** Latchkey's server listens here by default (the official SDK defaults to the vendor's cloud). */
export const defaultHost = 'http://localhost:3003';

export interface ServerUrls {
  /** `host` without trailing slashes; every HTTP call is `hostBaseUrl + path`. */
  hostBaseUrl: string;
  websocketsUrl: string;
}

/**
 * Spec §2.2: the WebSocket URL is `new URL(websocketsPath, host)`, so an absolute path replaces any path of
 * `host`, and `http(s)` becomes `ws(s)`. Either URL failing to parse is an `invalid_host_url`; so is a scheme other
 * than http(s), which `new WebSocket()` would only refuse later, in the middle of an auth flow.
 */
export function resolveServerUrls(host: string = defaultHost, websocketsPath = '/'): ServerUrls {
  const hostBaseUrl = host.replace(/\/+$/, '');
  try {
    new URL(hostBaseUrl);
    const websocketsUrl = new URL(websocketsPath, host).href.replace(/^http(s?):/, 'ws$1:');
    if (/^wss?:/.test(websocketsUrl)) return { hostBaseUrl, websocketsUrl };
  } catch {
    // fall through: unparseable
  }
  throw new AuthError('Invalid URL.', 'invalid_host_url');
}
