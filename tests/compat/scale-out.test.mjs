// Two Latchkey processes on one PostgreSQL database behind a round-robin load balancer without sticky sessions:
// what one instance starts, the other finishes. Runs when LATCHKEY_TEST_POSTGRES names a PostgreSQL server (.ci/run
// starts one); skipped otherwise.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, servePages } from './harness/browser.mjs';
import { officialFrontendScript } from './harness/bundles.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';
import { createDatabase, postgresAdmin, startRoundRobin } from './harness/scale-out.mjs';

const OAUTH_APP = { type: 'OAUTH2', client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2', scopes: 'read' };
const ADMIN = { email: 'ops@example.com', password: 'scale-out-dashboard-password-7' };
const GOOD_KEY = 'fake_good_key_7f3a9c';

describe('two instances on one PostgreSQL database', { skip: postgresAdmin ? false : 'set LATCHKEY_TEST_POSTGRES to run it' }, () => {
  let fake;
  let database;
  let balancer;
  let a;
  let b;
  let secretKey;
  let browser;
  let pages;
  let receiver;
  const webhooks = [];

  /** What every instance of one deployment shares: the database, the encryption key, the secret key, the admin. */
  const sharedEnv = (databaseUrl) => ({
    LATCHKEY_DATABASE_URL: databaseUrl,
    LATCHKEY_ENCRYPTION_KEY: sharedKey,
    LATCHKEY_ADMIN_EMAIL: ADMIN.email,
    LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
    LATCHKEY_WEBHOOK_POLL_MS: '100',
  });
  const sharedKey = randomBytes(32).toString('base64');

  const api = async (base, method, path, body, key = secretKey) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const session = async (base) => (await api(base, 'POST', '/connect/sessions', { end_user: { id: 'user-1' } })).body.data.token;

  before(async () => {
    fake = await startFakeWorld();
    database = createDatabase();
    secretKey = `lk_sk_${randomBytes(32).toString('hex')}`;
    // The balancer's address is the public URL of both instances (callbacks and connect links point at it).
    const targets = [];
    balancer = await startRoundRobin(targets);
    [a, b] = await Promise.all([0, 1].map(() =>
      startServer({ providersFile: fake.providersFile, secretKey, publicUrl: balancer.url, env: sharedEnv(database.url) })));
    targets.push(a.url, b.url);
    for (const body of [
      { provider: 'fake-oauth2', unique_key: 'scale-oauth', credentials: OAUTH_APP },
      { provider: 'fake-apikey', unique_key: 'scale-apikey' },
    ]) {
      const created = await api(balancer.url, 'POST', '/integrations', body);
      assert.equal(created.status, 200, JSON.stringify(created.body));
    }

    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => { text += chunk; });
      request.on('end', () => { webhooks.push(JSON.parse(text)); response.end('ok'); });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const patched = await api(balancer.url, 'PATCH', '/environment', {
      webhook: { primary_url: `http://127.0.0.1:${receiver.address().port}/hooks`, on_auth_creation: true },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));

    pages = await servePages({
      '/official.html': '<!doctype html><html><body><script src="/official.js"></script></body></html>',
      '/official.js': await officialFrontendScript(),
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await pages?.close();
    await a?.stop();
    await b?.stop();
    await balancer?.close();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve()));
    await fake?.stop();
    database?.drop();
  });

  /** The official SDK's popup flow through the balancer, from a page on its own origin. */
  async function authInBrowser(key) {
    const token = await session(balancer.url);
    const page = await browser.context.newPage();
    try {
      await page.goto(`${pages.origin}/official.html`);
      return await page.evaluate(({ host, token, key }) => new window.NangoOfficial.default({ host, connectSessionToken: token })
        .auth(key).then((ok) => ({ ok }), (error) => ({ type: error.type, message: error.message })), { host: balancer.url, token, key });
    } finally {
      await page.close();
    }
  }

  /** The same flow without a browser: start, consent at the fake, come back with the flow's cookie. */
  async function authOverHttp(start, callbackBase, key) {
    const begun = await fetch(`${start}/oauth/connect/${key}?connect_session_token=${await session(start)}`, { redirect: 'manual' });
    assert.equal(begun.status, 302, await begun.text());
    const cookie = begun.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const consent = await fetch(begun.headers.get('location'), { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location'));
    return fetch(`${callbackBase}${callback.pathname}${callback.search}`, { headers: { cookie } });
  }

  test('an OAuth flow whose WebSocket is on one instance and whose callback lands on the other resolves nango.auth()', async () => {
    for (const [socketOn, httpOn] of [[a, b], [b, a]]) {
      balancer.route((kind) => (kind === 'upgrade' ? socketOn.url : httpOn.url));
      const result = await authInBrowser('scale-oauth');
      assert.equal(result.ok?.providerConfigKey, 'scale-oauth', JSON.stringify(result));
    }
    balancer.route(null);
  });

  test('an API-key connection made on one instance is read on the other', async () => {
    const made = await fetch(`${a.url}/api-auth/api-key/scale-apikey?connect_session_token=${await session(a.url)}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: GOOD_KEY }),
    });
    assert.equal(made.status, 200);
    const { connectionId } = await made.json();
    const read = await api(b.url, 'GET', `/connections/${connectionId}?provider_config_key=scale-apikey`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.credentials.apiKey, GOOD_KEY);
  });

  test('100 concurrent reads of an expired connection, spread over both instances, make exactly one provider grant', async () => {
    await fake.control({ expiresInSeconds: 2, tokenDelayMs: 300 });
    try {
      const finished = await authOverHttp(balancer.url, balancer.url, 'scale-oauth');
      assert.equal(finished.status, 200, await finished.text());
      const listed = await api(balancer.url, 'GET', '/connections?integrationId=scale-oauth');
      const connectionId = listed.body.connections[0].connection_id;
      await new Promise((resolve) => setTimeout(resolve, 2_200)); // past expiry
      const before = (await fake.state()).refreshCalls;

      const reads = await Promise.all(Array.from({ length: 100 }, () =>
        api(balancer.url, 'GET', `/connections/${connectionId}?provider_config_key=scale-oauth`)));

      assert.deepEqual([...new Set(reads.map((r) => r.status))], [200], JSON.stringify(reads.find((r) => r.status !== 200)?.body));
      assert.equal((await fake.state()).refreshCalls - before, 1);
      assert.equal(new Set(reads.map((r) => r.body.credentials.access_token)).size, 1);
    } finally {
      await fake.control({ reset: true });
    }
  });

  test('a dashboard login on one instance is valid on the other, and a rotated secret key is refused by both within a second', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${a.url}/dashboard/`);
      await page.fill('input[name=email]', ADMIN.email);
      await page.fill('input[name=password]', ADMIN.password);
      await page.click('button[type=submit]');
      assert.match(page.url(), /\/dashboard\/dev\/connections/);

      // Cookies are per host, not per port: the browser sends A's session cookie to B.
      await page.goto(`${b.url}/dashboard/dev/settings`);
      assert.match(page.url(), /\/dashboard\/dev\/settings/, 'B accepted the login made on A');

      assert.equal((await api(b.url, 'GET', '/connections')).status, 200);
      await page.click('#rotate-secret-key');
      const rotatedAt = Date.now();
      const newKey = (await page.textContent('#new-secret-key')).trim();
      let refusedAfter = null;
      while (Date.now() - rotatedAt < 5_000) {
        const statuses = await Promise.all([a, b].map(async (s) => (await api(s.url, 'GET', '/connections')).status));
        if (statuses.every((s) => s === 401)) { refusedAfter = Date.now() - rotatedAt; break; }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.ok(refusedAfter !== null && refusedAfter < 1_000, `the old key was still accepted after ${refusedAfter ?? '5000+'} ms`);
      for (const s of [a, b]) assert.equal((await api(s.url, 'GET', '/connections', undefined, newKey)).status, 200);
      secretKey = newKey;
    } finally {
      await page.close();
    }
  });

  test('an instance killed mid-flow loses nothing: the other finishes it and the webhook is delivered once', async () => {
    // The flow starts on A; A dies before the provider sends the user back; the balancer stops sending to A.
    const token = await session(a.url);
    const begun = await fetch(`${a.url}/oauth/connect/scale-oauth?connect_session_token=${token}`, { redirect: 'manual' });
    assert.equal(begun.status, 302);
    const cookie = begun.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    await a.kill();
    balancer.remove(a.url);
    a = null;
    const consent = await fetch(begun.headers.get('location'), { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location'));
    assert.equal(callback.origin, balancer.url, 'the provider sends the user back to the balancer');
    const finished = await fetch(`${balancer.url}${callback.pathname}${callback.search}`, { headers: { cookie } });
    assert.equal(finished.status, 200, await finished.text());

    const listed = await api(b.url, 'GET', '/connections?integrationId=scale-oauth');
    const connectionId = listed.body.connections[0].connection_id;
    const deadline = Date.now() + 10_000;
    while (!webhooks.some((w) => w.connectionId === connectionId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a duplicate would arrive by now
    assert.equal(webhooks.filter((w) => w.connectionId === connectionId && w.operation === 'creation').length, 1);
  });
});

describe('two instances started at the same moment on an empty PostgreSQL database', { skip: postgresAdmin ? false : 'set LATCHKEY_TEST_POSTGRES to run it' }, () => {
  test('both come up, with one account, one pair of environments and one dashboard admin', async () => {
    const database = createDatabase();
    const env = {
      LATCHKEY_DATABASE_URL: database.url,
      LATCHKEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
    };
    const secretKey = `lk_sk_${randomBytes(32).toString('hex')}`;
    const servers = await Promise.allSettled([0, 1].map(() => startServer({ secretKey, env })));
    try {
      assert.deepEqual(servers.map((s) => s.status), ['fulfilled', 'fulfilled'], servers.map((s) => s.reason?.message).join('\n'));
      assert.equal(database.query('SELECT count(*) FROM accounts'), '1');
      assert.equal(database.query('SELECT string_agg(name, \',\' ORDER BY name) FROM environments'), 'dev,prod');
      assert.equal(database.query('SELECT count(*) FROM dashboard_users'), '1');
    } finally {
      await Promise.all(servers.filter((s) => s.status === 'fulfilled').map((s) => s.value.stop()));
      database.drop();
    }
  });
});
