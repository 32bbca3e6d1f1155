import { describe, expect, it } from 'vitest';
import { toQueryString } from '../src/query-string.js';

// Spec §2.4: the exact bytes of the query string, in the SDK's fixed order.
describe('toQueryString', () => {
  it('is empty without anything to send', () => {
    expect(toQueryString({}, undefined, {})).toBe('');
  });

  it('puts the connection id, public key and session token first, raw', () => {
    const query = toQueryString({ publicKey: 'pk/1', connectSessionToken: 'tok+en' }, 'conn id', {});
    expect(query).toBe('?connection_id=conn id&public_key=pk/1&connect_session_token=tok+en');
  });

  it('encodes params keys and values and skips non-string values', () => {
    const params = { 'sub domain': 'a&b=c', n: 3, empty: '' } as unknown as Record<string, string>;
    expect(toQueryString({}, undefined, { params })).toBe('?params[sub%20domain]=a%26b%3Dc&params[empty]=');
  });

  it('sends hmac raw and user_scope joined with commas, raw', () => {
    expect(toQueryString({}, undefined, { hmac: 'ab+/', user_scope: ['chat:write', 'users read'] })).toBe(
      '?hmac=ab+/&user_scope=chat:write,users read',
    );
  });

  it('encodes the OAuth client overrides under credentials[...]', () => {
    const query = toQueryString({}, undefined, {
      credentials: {
        oauth_client_id_override: 'id/1',
        oauth_client_secret_override: 's&2',
        oauth_refresh_token_override: 'r t',
      },
    });
    expect(query).toBe(
      '?credentials[oauth_client_id_override]=id%2F1&credentials[oauth_client_secret_override]=s%262' +
        '&credentials[oauth_refresh_token_override]=r%20t',
    );
  });

  it('encodes token_id and token_secret when present', () => {
    const credentials = { oauth_client_id_override: 'a', oauth_client_secret_override: 'b', token_id: 'i d' };
    expect(toQueryString({}, undefined, { credentials })).toBe(
      '?credentials[oauth_client_id_override]=a&credentials[oauth_client_secret_override]=b&token_id=i%20d',
    );
    expect(toQueryString({}, undefined, { credentials: { token_id: '1', token_secret: 's/2' } })).toBe(
      '?token_id=1&token_secret=s%2F2',
    );
  });

  it('sends authorization_params raw, undefined as the word "undefined", and skips other values', () => {
    const authorization_params = { prompt: 'select account', scope: undefined, n: 2 } as unknown as Record<string, string>;
    expect(toQueryString({}, undefined, { authorization_params })).toBe(
      '?authorization_params[prompt]=select account&authorization_params[scope]=undefined',
    );
  });

  it('keeps the spec order when everything is present', () => {
    const query = toQueryString({ publicKey: 'pk', connectSessionToken: 'st' }, 'c1', {
      authorization_params: { a: '1' },
      credentials: { oauth_client_id_override: 'i', oauth_client_secret_override: 's' },
      user_scope: ['u'],
      hmac: 'h',
      params: { p: 'v' },
    });
    expect(query).toBe(
      '?connection_id=c1&public_key=pk&connect_session_token=st&params[p]=v&hmac=h&user_scope=u' +
        '&credentials[oauth_client_id_override]=i&credentials[oauth_client_secret_override]=s&authorization_params[a]=1',
    );
  });
});
