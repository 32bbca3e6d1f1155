// The proxy through the official @nangohq/node client, unmodified, against a real Latchkey server and the fake provider.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Nango } from '@nangohq/node';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const GOOD_KEY = 'fake_good_key_7f3a9c';
const BODY_LIMIT = 65536;
let fake;
let server;
let nango;
let apiKeyConnection;
const usedSecrets = [GOOD_KEY];

before(async () => {
  fake = await startFakeWorld();
  // A small server body limit: proxied bodies must stream past it.
  server = await startServer({ providersFile: fake.providersFile, env: { LATCHKEY_MAX_BODY_BYTES: String(BODY_LIMIT) } });
  nango = new Nango({ host: server.url, secretKey: server.secretKey });
  await nango.createIntegration({ provider: 'fake-apikey', unique_key: 'proxy-apikey' });
  const token = await server.createSession({ end_user: { id: 'proxy-user' } });
  const response = await fetch(`${server.url}/api-auth/api-key/proxy-apikey?connect_session_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey: GOOD_KEY }),
  });
  apiKeyConnection = (await response.json()).connectionId;
});

after(async () => {
  await server?.stop();
  await fake?.stop();
});

const call = (extra) => ({ providerConfigKey: 'proxy-apikey', connectionId: apiKeyConnection, ...extra });

async function importConnection(integration, credentials, connectionConfig = {}) {
  const connectionId = `imported-${randomBytes(4).toString('hex')}`;
  const { status, body } = await server.api('POST', '/connections', {
    provider_config_key: integration, connection_id: connectionId, credentials, connection_config: connectionConfig,
  });
  assert.equal(status, 201, JSON.stringify(body));
  return connectionId;
}

test('get() carries the API-key header the catalog declares', async () => {
  const { status, data } = await nango.get(call({ endpoint: '/upstream/echo/me' }));
  assert.equal(status, 200);
  assert.equal(data.method, 'GET');
  assert.equal(data.path, '/upstream/echo/me');
  assert.equal(data.headers.authorization, `Bearer ${GOOD_KEY}`);
  assert.equal(data.headers['connection-id'], undefined);
  assert.ok(!String(data.headers['user-agent']).includes('nango-node-client'));
});

test('post() forwards the query, the body and custom headers', async () => {
  const { data } = await nango.post(call({
    endpoint: '/upstream/echo/items',
    params: { a: '1', b: 'x y' },
    data: { name: 'Ada', tags: ['x'] },
    headers: { 'X-Custom': 'custom-value' },
  }));
  assert.equal(data.method, 'POST');
  assert.equal(new URLSearchParams(data.query).get('b'), 'x y');
  assert.equal(new URLSearchParams(data.query).get('a'), '1');
  assert.deepEqual(JSON.parse(data.body), { name: 'Ada', tags: ['x'] });
  assert.match(data.headers['content-type'], /^application\/json/);
  assert.equal(data.headers['x-custom'], 'custom-value');

  for (const method of ['put', 'patch', 'delete']) {
    const answer = await nango[method](call({ endpoint: `/upstream/echo/${method}` }));
    assert.equal(answer.data.method, method.toUpperCase());
  }
});

test("a provider's error reaches the client as the provider sent it", async () => {
  await assert.rejects(nango.get(call({ endpoint: '/upstream/missing' })), (error) => {
    assert.equal(error.response.status, 404);
    assert.deepEqual(error.response.data, { error: 'no such widget', id: 42 });
    return true;
  });
});

test('retries wait for Retry-After, then return the success', async () => {
  const started = Date.now();
  const { status, data } = await nango.get(call({ endpoint: '/upstream/limited/node-1', params: { failures: '1' }, retries: 2 }));
  assert.equal(status, 200);
  assert.equal(data.attempts, 2);
  assert.ok(Date.now() - started >= 950, `retried after ${Date.now() - started} ms`);

  await assert.rejects(nango.get(call({ endpoint: '/upstream/limited/node-2', params: { failures: '1' } })),
    (error) => error.response.status === 429 && error.response.headers['retry-after'] === '1');
});

test('an OAuth 2 token past its expiry is refreshed once, however many calls arrive together', async () => {
  await nango.createIntegration({
    provider: 'fake-oauth2', unique_key: 'proxy-oauth2',
    credentials: { type: 'OAUTH2', client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2', scopes: 'read' },
  });
  const refreshToken = `rt_node_${randomBytes(6).toString('hex')}`;
  usedSecrets.push(refreshToken, 'at_node_expired');
  await fake.control({ reset: true, refreshToken });
  const connectionId = await importConnection('proxy-oauth2', {
    type: 'OAUTH2', access_token: 'at_node_expired', refresh_token: refreshToken, expires_at: new Date(Date.now() - 60_000).toISOString(),
  });

  const answers = await Promise.all(Array.from({ length: 6 }, () =>
    nango.get({ endpoint: '/upstream/bearer', providerConfigKey: 'proxy-oauth2', connectionId })));
  assert.ok(answers.every((answer) => answer.status === 200));
  assert.equal((await fake.state()).refreshCalls, 1);
});

test('bodies larger than the server body limit stream both ways', async () => {
  const upload = randomBytes(BODY_LIMIT * 40);
  const { data } = await nango.post(call({ endpoint: '/upstream/upload', data: upload, headers: { 'Content-Type': 'application/octet-stream' } }));
  assert.equal(data.bytes, upload.length);
  assert.equal(data.sha256, createHash('sha256').update(upload).digest('hex'));

  const size = 20 * 1024 * 1024;
  const download = await nango.get(call({ endpoint: `/upstream/download?bytes=${size}`, responseType: 'arraybuffer' }));
  const bytes = Buffer.from(download.data);
  assert.equal(bytes.length, size);
  assert.ok(bytes.every((b, i) => b === i % 251));
});

test('private and metadata addresses are refused, from the catalog and from a templated base URL', async () => {
  await nango.createIntegration({ provider: 'fake-internal', unique_key: 'proxy-internal' });
  await nango.createIntegration({ provider: 'fake-templated', unique_key: 'proxy-templated' });
  usedSecrets.push('internal_node_key_5d1c', 'templated_node_key_8e2a');
  const internal = await importConnection('proxy-internal', { type: 'API_KEY', apiKey: 'internal_node_key_5d1c' });
  const templated = await importConnection('proxy-templated', { type: 'API_KEY', apiKey: 'templated_node_key_8e2a' }, { host: '169.254.169.254' });

  for (const [providerConfigKey, connectionId] of [['proxy-internal', internal], ['proxy-templated', templated]]) {
    await assert.rejects(nango.get({ endpoint: '/latest/meta-data', providerConfigKey, connectionId }), (error) => {
      assert.equal(error.response.status, 403);
      assert.equal(error.response.data.error.code, 'proxy_target_refused');
      return true;
    });
  }

  // The node client always sends Base-Url-Override (empty); a value is refused while the server does not allow it.
  await assert.rejects(nango.get(call({ endpoint: '/x', baseUrlOverride: 'http://169.254.169.254' })),
    (error) => error.response.status === 400 && error.response.data.error.code === 'invalid_headers');
});

test('no credential reaches the server log or the auth log, and every call is in GET /logs', async () => {
  const { body } = await server.api('GET', `/logs?connection_id=${apiKeyConnection}&limit=100`);
  const proxied = body.data.filter((entry) => entry.kind === 'proxy');
  assert.ok(proxied.length >= 8, `only ${proxied.length} proxy entries`);
  assert.ok(proxied.some((entry) => entry.message.startsWith('GET 127.0.0.1/upstream/limited/node-1 → 200') && entry.message.includes('1 retry')));

  const issued = await fake.issuedSecrets();
  const everything = server.logs.join('\n') + JSON.stringify(body);
  for (const secret of [...usedSecrets, ...issued]) {
    assert.ok(!everything.includes(secret), `a secret (${secret.slice(0, 6)}…) appears in the logs`);
  }
});
