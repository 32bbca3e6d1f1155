// The official @nangohq/node client, unmodified, against a real Latchkey server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Nango } from '@nangohq/node';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const GOOD_KEY = 'fake_good_key_7f3a9c';
let fake;
let server;
let nango;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  nango = new Nango({ host: server.url, secretKey: server.secretKey });
});

after(async () => {
  await server?.stop();
  await fake?.stop();
});

/** What the browser SDK would do for an API-key integration: POST the key with the session token. */
async function connectApiKey(integration, token, apiKey = GOOD_KEY) {
  const response = await fetch(`${server.url}/api-auth/api-key/${integration}?connect_session_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey }),
  });
  return { status: response.status, body: await response.json() };
}

test('createIntegration, listIntegrations and getIntegration speak the same shapes', async () => {
  const created = await nango.createIntegration({ provider: 'fake-apikey', unique_key: 'compat-apikey', display_name: 'Compat' });
  assert.equal(created.data.unique_key, 'compat-apikey');

  const { configs } = await nango.listIntegrations();
  assert.ok(configs.some((c) => c.unique_key === 'compat-apikey' && c.provider === 'fake-apikey'));

  const one = await nango.getIntegration({ uniqueKey: 'compat-apikey' });
  assert.equal(one.data.display_name, 'Compat');
});

test('createConnectSession returns a token, a link and an expiry', async () => {
  const session = await nango.createConnectSession({
    end_user: { id: 'node-user', email: 'node@example.com', display_name: 'Node User' },
    allowed_integrations: ['compat-apikey'],
  });
  assert.match(session.data.token, /^nango_connect_session_[a-f0-9]{64}$/);
  assert.ok(session.data.connect_link.startsWith(`${server.url}/connect-ui/?session_token=`));
  assert.ok(Date.parse(session.data.expires_at) > Date.now());
});

test('a connection made with a session is read, listed, tagged and deleted through the client', async () => {
  const session = await nango.createConnectSession({ end_user: { id: 'reader-1' }, tags: { plan: 'pro' } });
  const connected = await connectApiKey('compat-apikey', session.data.token);
  assert.equal(connected.status, 200);
  const { connectionId } = connected.body;

  const connection = await nango.getConnection('compat-apikey', connectionId);
  assert.equal(connection.connection_id, connectionId);
  assert.equal(connection.credentials.type, 'API_KEY');
  assert.equal(connection.credentials.apiKey, GOOD_KEY);
  assert.equal(connection.tags.end_user_id, 'reader-1');

  const token = await nango.getToken('compat-apikey', connectionId);
  assert.equal(token.apiKey, GOOD_KEY);

  const listed = await nango.listConnections({ tags: { plan: 'pro' } });
  assert.deepEqual(listed.connections.map((c) => c.connection_id), [connectionId]);
  const byUser = await nango.listConnections({ userId: 'reader-1' });
  assert.equal(byUser.connections.length, 1);

  await nango.setMetadata('compat-apikey', connectionId, { seats: 5 });
  assert.deepEqual(await nango.getMetadata('compat-apikey', connectionId), { seats: 5 });

  const deleted = await nango.deleteConnection('compat-apikey', connectionId);
  assert.equal(deleted.status, 200);
  await assert.rejects(nango.getConnection('compat-apikey', connectionId), (error) => error.response?.status === 404);
});

test('a reconnect session is created by the client', async () => {
  const session = await nango.createConnectSession({ end_user: { id: 'again' } });
  const { connectionId } = (await connectApiKey('compat-apikey', session.data.token)).body;

  const reconnect = await nango.createReconnectSession({ connection_id: connectionId, integration_id: 'compat-apikey' });
  const again = await connectApiKey('compat-apikey', reconnect.data.token);

  assert.equal(again.body.connectionId, connectionId);
});

test('errors reach the client as the spec envelope', async () => {
  await assert.rejects(
    nango.createConnectSession({ end_user: { id: 'x' }, allowed_integrations: ['does-not-exist'] }),
    (error) => error.response?.status === 400 && error.response.data.error.code === 'invalid_body',
  );
  const wrongKey = new Nango({ host: server.url, secretKey: 'lk_sk_' + '0'.repeat(64) });
  await assert.rejects(wrongKey.listIntegrations(), (error) => error.response?.status === 401 && error.response.data.error.code === 'unknown_account');
});

test('deleteIntegration removes it', async () => {
  await nango.createIntegration({ provider: 'fake-basic', unique_key: 'short-lived' });
  await nango.deleteIntegration('short-lived');
  await assert.rejects(nango.getIntegration({ uniqueKey: 'short-lived' }), (error) => error.response?.status === 404);
});
