import { beforeEach, describe, expect, it } from 'vitest';
import Nango, { AuthError, type AuthOptions } from '../src/index.js';
import { stubFetch, token } from './fakes.js';

const host = 'https://auth.example.com';
const success = { connectionId: 'c-1', providerConfigKey: 'acme' };

function lastRequest(fetch: ReturnType<typeof stubFetch>) {
  const [url, init] = fetch.mock.calls[0] ?? [];
  return { url, method: init?.method, headers: init?.headers, body: init?.body === undefined ? undefined : JSON.parse(String(init.body)) };
}

// Spec §2.5: each credential shape, in table order, goes to one endpoint with one body.
describe('HTTP modes', () => {
  let nango: Nango;
  beforeEach(() => {
    nango = new Nango({ host, connectSessionToken: token });
  });

  const rows: [string, AuthOptions, string, unknown][] = [
    [
      '1 two-step with assertion options',
      { credentials: { type: 'TWO_STEP', user: 'u', secret: 's' }, assertionOption: { aud: 'x' } },
      '/auth/two-step/acme',
      { type: 'TWO_STEP', user: 'u', secret: 's', assertionOption: { aud: 'x' } },
    ],
    [
      '1 two-step without assertion options',
      { credentials: { type: 'TWO_STEP', user: 'u' }, assertionOption: {} },
      '/auth/two-step/acme',
      { type: 'TWO_STEP', user: 'u' },
    ],
    [
      '2 signature',
      { credentials: { type: 'SIGNATURE', username: 'u', password: 'p' } },
      '/auth/signature/acme',
      { type: 'SIGNATURE', username: 'u', password: 'p' },
    ],
    [
      '3 AWS SigV4',
      { credentials: { type: 'AWS_SIGV4', role_arn: 'arn:aws:iam::1:role/r', region: 'eu-west-1' } },
      '/auth/aws-sigv4/acme',
      { role_arn: 'arn:aws:iam::1:role/r', region: 'eu-west-1' },
    ],
    [
      '4 Bill',
      { credentials: { type: 'BILL', username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' } },
      '/auth/bill/acme',
      { username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' },
    ],
    ['5 API key (type dropped)', { credentials: { type: 'API_KEY', apiKey: 'k' } }, '/api-auth/api-key/acme', { apiKey: 'k' }],
    [
      '6 basic (type dropped)',
      { credentials: { type: 'BASIC', username: 'u', password: 'p' } },
      '/api-auth/basic/acme',
      { username: 'u', password: 'p' },
    ],
    ['6 basic, falsy password sent as ""', { credentials: { username: 'u', password: '' } }, '/api-auth/basic/acme', { username: 'u', password: '' }],
    ['6 basic, only a username', { credentials: { username: 'u' } }, '/api-auth/basic/acme', { username: 'u' }],
    [
      '7 JWT by type, unchanged',
      { credentials: { type: 'JWT', issuer: 'i', key: 'k' } },
      '/auth/jwt/acme',
      { type: 'JWT', issuer: 'i', key: 'k' },
    ],
    ['7 JWT by privateKey', { credentials: { privateKey: 'pem', issuerId: 'i' } }, '/auth/jwt/acme', { privateKey: 'pem', issuerId: 'i' }],
    [
      '8 TBA',
      {
        credentials: {
          type: 'TBA',
          token_id: 't',
          token_secret: 's',
          oauth_client_id_override: 'ci',
          oauth_client_secret_override: 'cs',
        },
      },
      '/auth/tba/acme',
      { token_id: 't', token_secret: 's', oauth_client_id_override: 'ci', oauth_client_secret_override: 'cs' },
    ],
    [
      '9 client credentials',
      { credentials: { type: 'OAUTH2_CC', client_id: 'ci', client_secret: 'cs' } },
      '/oauth2/auth/acme',
      { client_id: 'ci', client_secret: 'cs' },
    ],
    [
      '9 client credentials with a certificate',
      { credentials: { client_id: 'ci', client_certificate: 'cert', client_private_key: 'key' } },
      '/oauth2/auth/acme',
      { client_id: 'ci', client_certificate: 'cert', client_private_key: 'key' },
    ],
    ['10 outbound installation, no body', { installation: 'outbound', credentials: { type: 'OAUTH2' } }, '/auth/oauth-outbound/acme', undefined],
  ];

  it.each(rows)('row %s', async (_row, options, path, body) => {
    const fetch = stubFetch(200, success);
    await expect(nango.auth('acme', options)).resolves.toEqual(success);
    const request = lastRequest(fetch);
    expect(request.url).toBe(`${host}${path}?connect_session_token=${token}`);
    expect(request.method).toBe('POST');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(request.body).toEqual(body);
  });

  it('sends params and the connection id in the query, credentials only in the body', async () => {
    const fetch = stubFetch(200, success);
    const legacy = new Nango({ host, publicKey: 'pk' });
    await legacy.auth('acme', 'conn-1', { params: { domain: 'eu.example.com' }, credentials: { apiKey: 'k' } });
    expect(lastRequest(fetch).url).toBe(`${host}/api-auth/api-key/acme?connection_id=conn-1&public_key=pk&params[domain]=eu.example.com`);
  });

  it('returns the success body as it is', async () => {
    stubFetch(201, { connectionId: 'c', providerConfigKey: 'acme', extra: true });
    await expect(nango.auth('acme', { credentials: { apiKey: 'k' } })).resolves.toEqual({
      connectionId: 'c',
      providerConfigKey: 'acme',
      extra: true,
    });
  });

  it('rejects with a plain Error when no row fits the credentials', async () => {
    const fetch = stubFetch(200, success);
    const result = nango.auth('acme', { credentials: { client_id: 'id-without-secret' } });
    await expect(result).rejects.toThrow(Error);
    await expect(result).rejects.not.toBeInstanceOf(AuthError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('posts create() to the unauthenticated endpoint without a body', async () => {
    const fetch = stubFetch(200, success);
    await expect(nango.create('none-key', { params: { region: 'eu' } })).resolves.toEqual(success);
    expect(lastRequest(fetch)).toEqual({
      url: `${host}/auth/unauthenticated/none-key?connect_session_token=${token}&params[region]=eu`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: undefined,
    });
  });

  it('sends the connection id given to create()', async () => {
    const fetch = stubFetch(200, success);
    await new Nango({ host, publicKey: 'pk' }).create('none-key', 'conn-9');
    expect(lastRequest(fetch).url).toBe(`${host}/auth/unauthenticated/none-key?connection_id=conn-9&public_key=pk`);
  });

  it('makes create() reject, not throw, without a token', async () => {
    const result = new Nango({ host }).create('none-key');
    await expect(result).rejects.toMatchObject({ type: 'missing_auth_token' });
  });
});

// Spec §2.5 and §1.2: the server's error envelope becomes the AuthError.
describe('HTTP error mapping', () => {
  const nango = new Nango({ host, connectSessionToken: token });
  const apiKey = { credentials: { apiKey: 'bad' } };

  it('turns error.code into the type and error.message into the message', async () => {
    stubFetch(400, { error: { code: 'connection_test_failed', message: 'The provider refused the key.' } });
    const error = await nango.auth('acme', apiKey).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ type: 'connection_test_failed', message: 'The provider refused the key.' });
  });

  it('passes unknown server codes through unchanged', async () => {
    stubFetch(401, { error: { code: 'unknown_connect_session_token' } });
    await expect(nango.auth('acme', apiKey)).rejects.toMatchObject({ type: 'unknown_connect_session_token' });
  });

  it('maps create() errors too', async () => {
    stubFetch(400, { error: { code: 'invalid_auth_mode', message: 'no' } });
    await expect(nango.create('acme')).rejects.toMatchObject({ type: 'invalid_auth_mode', message: 'no' });
  });

  it('carries the message of a validation error, which the server puts in error.errors[]', async () => {
    stubFetch(400, {
      error: {
        code: 'invalid_query_params',
        errors: [{ code: 'custom', message: 'connection_id cannot be chosen with a connect session token.', path: ['connection_id'] }],
      },
    });
    await expect(nango.auth('acme', 'my-own-id', apiKey)).rejects.toMatchObject({
      type: 'invalid_query_params',
      message: 'connection_id cannot be chosen with a connect session token.',
    });
  });

  it('joins several issues, each after the field it is about unless it names it already', async () => {
    stubFetch(400, {
      error: {
        code: 'invalid_body',
        errors: [
          { code: 'invalid_type', message: 'Required', path: ['apiKey'] },
          { code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'x'", path: [] },
          { code: 'too_big', message: 'must be at most 1024 characters', path: ['params', 'domain'] },
        ],
      },
    });
    await expect(nango.auth('acme', apiKey)).rejects.toMatchObject({
      type: 'invalid_body',
      message: "apiKey: Required Unrecognized key(s) in object: 'x' params.domain: must be at most 1024 characters",
    });
  });

  it('names the status and the code when the envelope has no words at all', async () => {
    stubFetch(401, { error: { code: 'unknown_connect_session_token' } });
    await expect(nango.auth('acme', apiKey)).rejects.toMatchObject({ message: 'HTTP 401: unknown_connect_session_token' });
  });

  it('rejects with an unknown_error AuthError when the error body is not JSON', async () => {
    stubFetch(502, '<html>Bad gateway</html>');
    const error = await nango.auth('acme', apiKey).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ type: 'unknown_error' });
    expect((error as Error).message).toContain('502');
  });

  it('rejects with unknown_error when the JSON has no error envelope', async () => {
    stubFetch(500, { oops: true });
    await expect(nango.auth('acme', apiKey)).rejects.toMatchObject({ type: 'unknown_error' });
  });
});
