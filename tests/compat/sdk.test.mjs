// Every browser scenario of the SDK, run twice: with our @latchkey/frontend script build and with the official
// @nangohq/frontend, against the real server — so code written for one works with the other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, servePages } from './harness/browser.mjs';
import { latchkeyFrontendScript, officialFrontendScript } from './harness/bundles.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const GOOD_KEY = 'fake_good_key_7f3a9c';
const OAUTH_APP = { type: 'OAUTH2', client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2', scopes: 'read' };

// A stand-in Connect UI on its own origin: says ready, and on receiving the token reports a connection whose id
// proves which token arrived; a close button posts close.
const STUB_UI = `<!doctype html><html><body><button id="close">Close</button><script>
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || !event.data || event.data.type !== 'session_token') return;
    window.parent.postMessage({ type: 'connect', payload: { providerConfigKey: 'stub', connectionId: 'got-' + event.data.sessionToken.slice(-8) } }, '*');
  });
  document.getElementById('close').onclick = () => window.parent.postMessage({ type: 'close' }, '*');
  window.parent.postMessage({ type: 'ready' }, '*');
</script></body></html>`;

let fake;
let server;
let browser;
let blockingBrowser;
let pages;
let stubUi;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  for (const body of [
    { provider: 'fake-apikey', unique_key: 'sdk-apikey' },
    { provider: 'fake-basic', unique_key: 'sdk-basic' },
    { provider: 'fake-unreachable', unique_key: 'sdk-unreachable' },
    { provider: 'fake-oauth2', unique_key: 'sdk-oauth', credentials: OAUTH_APP },
    { provider: 'fake-two-step', unique_key: 'sdk-two-step' },
    { provider: 'fake-jwt', unique_key: 'sdk-jwt' },
    { provider: 'fake-tba', unique_key: 'sdk-tba', credentials: { type: 'TBA', client_id: OAUTH_APP.client_id, client_secret: OAUTH_APP.client_secret } },
    { provider: 'fake-bill', unique_key: 'sdk-bill' },
    { provider: 'fake-signature', unique_key: 'sdk-signature' },
    { provider: 'fake-mcp', unique_key: 'sdk-mcp' }, // no client: Latchkey registers itself at the fake MCP server
    { provider: 'fake-mcp-generic', unique_key: 'sdk-mcp-generic' },
  ]) {
    const created = await server.api('POST', '/integrations', body);
    assert.equal(created.status, 200, JSON.stringify(created.body));
  }
  // The fake GitHub App: its id, public page and private key go into the integration; its setup URL is our callback.
  const gitHubApp = await (await fetch(`${fake.baseUrl}/_control/github-app`)).json();
  const app = await server.api('POST', '/integrations', {
    provider: 'fake-github-app',
    unique_key: 'sdk-github-app',
    credentials: { type: 'APP', app_id: gitHubApp.appId, app_link: gitHubApp.appLink, private_key: gitHubApp.privateKey },
  });
  assert.equal(app.status, 200, JSON.stringify(app.body));
  const appWithUser = await server.api('POST', '/integrations', {
    provider: 'fake-github-app-oauth',
    unique_key: 'sdk-github-app-oauth',
    credentials: {
      type: 'CUSTOM', client_id: OAUTH_APP.client_id, client_secret: OAUTH_APP.client_secret,
      app_id: gitHubApp.appId, app_link: gitHubApp.oauthAppLink, private_key: gitHubApp.privateKey,
    },
  });
  assert.equal(appWithUser.status, 200, JSON.stringify(appWithUser.body));
  await fake.control({ gitHubAppCallbackUrl: `${server.url}/oauth/callback` });
  const shell = (script) => `<!doctype html><html><body><button id="go">Go</button><script src="${script}"></script></body></html>`;
  // Calls auth() from the page's own load script: no user activation, so a real popup blocker refuses the popup.
  const onLoad = (script, create) => `<!doctype html><html><body><script src="${script}"></script><script>
    const query = new URLSearchParams(location.search);
    const options = { host: query.get('host'), connectSessionToken: query.get('token') };
    window.outcome = (${create}).auth(query.get('key')).then((ok) => ({ ok }), (error) => ({ type: error.type }));
  </script></body></html>`;
  pages = await servePages({
    '/latchkey.html': shell('/latchkey.js'),
    '/official.html': shell('/official.js'),
    '/latchkey-onload.html': onLoad('/latchkey.js', 'new window.Nango(options)'),
    '/official-onload.html': onLoad('/official.js', 'new window.NangoOfficial.default(options)'),
    '/latchkey.js': latchkeyFrontendScript(),
    '/official.js': await officialFrontendScript(),
  });
  stubUi = await servePages({ '/ui/': STUB_UI });
  browser = await launchBrowser();
  blockingBrowser = await launchBrowser({ popupBlocker: true });
});

after(async () => {
  await browser?.close();
  await blockingBrowser?.close();
  await pages?.close();
  await stubUi?.close();
  await server?.stop();
  await fake?.stop();
});

const sdks = [
  { name: '@latchkey/frontend (script tag)', page: '/latchkey.html', onLoad: '/latchkey-onload.html', create: 'new window.Nango(options)' },
  { name: '@nangohq/frontend (official)', page: '/official.html', onLoad: '/official-onload.html', create: 'new window.NangoOfficial.default(options)' },
];

for (const sdk of sdks) {
  describe(sdk.name, () => {
    /** Runs `body(nango)` (a function source) on a click in a fresh page; resolves with { ok } or the AuthError's type. */
    async function run(token, body, { context = browser.context, click = true, onPopup } = {}) {
      const page = await context.newPage();
      try {
        await page.goto(pages.origin + sdk.page);
        await page.evaluate(({ host, token, create, body, click }) => {
          const start = () => {
            const options = { host, connectSessionToken: token };
            const nango = eval(create);
            return Promise.resolve().then(() => eval(`(${body})`)(nango))
              .then((ok) => ({ ok }), (error) => ({ type: error.type, message: error.message }));
          };
          window.outcome = click
            ? new Promise((resolve) => document.getElementById('go').addEventListener('click', () => start().then(resolve), { once: true }))
            : start();
        }, { host: server.url, token, create: sdk.create, body, click });
        if (click) {
          const popup = onPopup ? page.waitForEvent('popup') : null;
          await page.click('#go');
          if (onPopup) await onPopup(await popup);
        }
        return await page.evaluate(() => window.outcome);
      } finally {
        await page.close();
      }
    }

    test('auth() with an API key resolves, a bad key rejects with connection_test_failed', async () => {
      const token = await server.createSession();
      const good = await run(token, `(n) => n.auth('sdk-apikey', { credentials: { apiKey: '${GOOD_KEY}' } })`);
      const bad = await run(token, `(n) => n.auth('sdk-apikey', { credentials: { apiKey: 'nope' } })`);
      assert.equal(good.ok?.providerConfigKey, 'sdk-apikey', JSON.stringify(good));
      assert.equal(bad.type, 'connection_test_failed');
    });

    test('auth() at a provider that cannot be reached rejects with provider_unreachable, not connection_test_failed', async () => {
      const token = await server.createSession();
      const result = await run(token, `(n) => n.auth('sdk-unreachable', { credentials: { apiKey: '${GOOD_KEY}' } })`);
      assert.equal(result.type, 'provider_unreachable', JSON.stringify(result));
      assert.match(result.message, /Fake Unreachable could not be reached to check these credentials/);
    });

    test("auth() rejects with the server's own message, e.g. a connection id chosen with a session token", async () => {
      const token = await server.createSession();
      const result = await run(token, `(n) => n.auth('sdk-apikey', 'my-own-id', { credentials: { apiKey: '${GOOD_KEY}' } })`);
      assert.equal(result.type, 'invalid_query_params', JSON.stringify(result));
      assert.equal(result.message, 'connection_id cannot be chosen with a connect session token.');
    });

    test('auth() with TWO_STEP credentials resolves after the token exchange; a refused exchange rejects with connection_test_failed', async () => {
      const token = await server.createSession();
      const fields = (secret) => `{ type: 'TWO_STEP', account_id: '${OAUTH_APP.client_id}', api_secret: '${secret}' }`;
      const good = await run(token, `(n) => n.auth('sdk-two-step', { credentials: ${fields(OAUTH_APP.client_secret)} })`);
      const bad = await run(token, `(n) => n.auth('sdk-two-step', { credentials: ${fields('wrong')} })`);
      assert.equal(good.ok?.providerConfigKey, 'sdk-two-step', JSON.stringify(good));
      assert.equal(bad.type, 'connection_test_failed', JSON.stringify(bad));
      const connection = await server.api('GET', `/connections/${good.ok.connectionId}?provider_config_key=sdk-two-step`);
      assert.equal(connection.body.credentials.type, 'TWO_STEP');
      assert.match(connection.body.credentials.token, /^ts_/);
    });

    test('auth() with JWT fields resolves once the signed token is accepted; a wrong secret rejects with connection_test_failed', async () => {
      const token = await server.createSession();
      const fields = (secret) => `{ type: 'JWT', keyId: 'fake-key-7a1', secret: '${secret}' }`;
      const good = await run(token, `(n) => n.auth('sdk-jwt', { credentials: ${fields('fake-jwt-signing-secret-5c1e')} })`);
      const bad = await run(token, `(n) => n.auth('sdk-jwt', { credentials: ${fields('wrong')} })`);
      assert.equal(good.ok?.providerConfigKey, 'sdk-jwt', JSON.stringify(good));
      assert.equal(bad.type, 'connection_test_failed', JSON.stringify(bad));
      const connection = await server.api('GET', `/connections/${good.ok.connectionId}?provider_config_key=sdk-jwt`);
      assert.equal(connection.body.credentials.type, 'JWT');
      assert.equal(connection.body.credentials.token.split('.').length, 3);
    });

    test('auth() with TBA tokens resolves once a signed request is accepted; a wrong secret rejects with invalid_credentials', async () => {
      const token = await server.createSession();
      const call = (secret) => `(n) => n.auth('sdk-tba', { params: { accountId: '1234567-sb1' }, credentials: { token_id: 'fake-tba-token-id', token_secret: '${secret}' } })`;
      const good = await run(token, call('fake-tba-token-secret-0b7e'));
      const bad = await run(token, call('wrong'));
      assert.equal(good.ok?.providerConfigKey, 'sdk-tba', JSON.stringify(good));
      assert.equal(bad.type, 'invalid_credentials', JSON.stringify(bad));
      const connection = await server.api('GET', `/connections/${good.ok.connectionId}?provider_config_key=sdk-tba`);
      assert.deepEqual([connection.body.credentials.type, connection.body.credentials.token_id], ['TBA', 'fake-tba-token-id']);
    });

    test('auth() with BILL sign-in fields resolves with an open session that a forced refresh reopens', async () => {
      const token = await server.createSession();
      const fields = (password) => `{ username: 'ap@acme.example', password: '${password}', organization_id: '00801ABCDEF', dev_key: 'bill-dev-key-19c3' }`;
      const good = await run(token, `(n) => n.auth('sdk-bill', { credentials: ${fields('bill-password-4d2a')} })`);
      const bad = await run(token, `(n) => n.auth('sdk-bill', { credentials: ${fields('wrong')} })`);
      assert.equal(good.ok?.providerConfigKey, 'sdk-bill', JSON.stringify(good));
      assert.equal(bad.type, 'connection_test_failed', JSON.stringify(bad));
      const path = `/connections/${good.ok.connectionId}?provider_config_key=sdk-bill`;
      const first = await server.api('GET', path);
      const refreshed = await server.api('GET', `${path}&force_refresh=true`);
      assert.equal(first.body.credentials.type, 'BILL');
      assert.match(first.body.credentials.session_id, /^bill-session_/);
      assert.notEqual(refreshed.body.credentials.session_id, first.body.credentials.session_id);
    });

    test('auth() with SIGNATURE credentials resolves once the WSSE token is accepted; a wrong secret rejects with connection_test_failed', async () => {
      const token = await server.createSession();
      const fields = (secret) => `{ type: 'SIGNATURE', username: 'acme_api001', password: '${secret}' }`;
      const good = await run(token, `(n) => n.auth('sdk-signature', { credentials: ${fields('wsse-secret-88f0')} })`);
      const bad = await run(token, `(n) => n.auth('sdk-signature', { credentials: ${fields('wrong')} })`);
      assert.equal(good.ok?.providerConfigKey, 'sdk-signature', JSON.stringify(good));
      assert.equal(bad.type, 'connection_test_failed', JSON.stringify(bad));
      const connection = await server.api('GET', `/connections/${good.ok.connectionId}?provider_config_key=sdk-signature`);
      assert.equal(connection.body.credentials.type, 'SIGNATURE');
      assert.match(connection.body.credentials.token, /^UsernameToken Username="acme_api001"/);
    });

    test('auth() with basic credentials resolves', async () => {
      const token = await server.createSession();
      const result = await run(token, `(n) => n.auth('sdk-basic', { credentials: { username: 'ada', password: 'correct horse battery staple' } })`);
      assert.equal(result.ok?.providerConfigKey, 'sdk-basic', JSON.stringify(result));
    });

    test('auth() for the fake OAuth 2 provider resolves, and reconnect() re-authorizes the same connection', async () => {
      const first = await run(await server.createSession(), `(n) => n.auth('sdk-oauth')`);
      assert.match(first.ok?.connectionId ?? '', /^[0-9a-f-]{36}$/, JSON.stringify(first));
      const reconnect = await server.api('POST', '/connect/sessions/reconnect', { connection_id: first.ok.connectionId, integration_id: 'sdk-oauth' });
      const again = await run(reconnect.body.data.token, `(n) => n.reconnect('sdk-oauth')`);
      assert.equal(again.ok?.connectionId, first.ok.connectionId, JSON.stringify(again));
    });

    test('auth() installs the fake GitHub App; GET /connections/:id returns its installation token and mints a new one on request', async () => {
      const result = await run(await server.createSession(), `(n) => n.auth('sdk-github-app')`);
      assert.equal(result.ok?.providerConfigKey, 'sdk-github-app', JSON.stringify(result));
      assert.equal(result.ok?.isPending, false, JSON.stringify(result));
      const path = `/connections/${result.ok.connectionId}?provider_config_key=sdk-github-app&force_refresh=false&refresh_token=false`;
      const read = await server.api('GET', `${path}&refresh_github_app_jwt_token=false`);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.body.credentials.type, 'APP');
      assert.equal(read.body.connection_config.installation_id, '31337');
      const issued = await fake.issuedSecrets();
      assert.ok(issued.includes(read.body.credentials.access_token), 'the token is one the fake GitHub issued');
      const again = await server.api('GET', `${path}&refresh_github_app_jwt_token=false`);
      assert.equal(again.body.credentials.access_token, read.body.credentials.access_token, 'a fresh token is not minted again');
      const refreshed = await server.api('GET', `${path}&refresh_github_app_jwt_token=true`);
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.notEqual(refreshed.body.credentials.access_token, read.body.credentials.access_token);
      assert.ok((await fake.issuedSecrets()).includes(refreshed.body.credentials.access_token));
    });

    test('auth() installs the fake GitHub App with user authorization (CUSTOM): both the installation token and the user token come back', async () => {
      const result = await run(await server.createSession(), `(n) => n.auth('sdk-github-app-oauth')`);
      assert.equal(result.ok?.providerConfigKey, 'sdk-github-app-oauth', JSON.stringify(result));
      assert.equal(result.ok?.isPending, false, JSON.stringify(result));
      const read = await server.api('GET', `/connections/${result.ok.connectionId}?provider_config_key=sdk-github-app-oauth`);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      const { credentials } = read.body;
      assert.deepEqual([credentials.type, credentials.app?.type, credentials.user?.type], ['CUSTOM', 'APP', 'OAUTH2']);
      const issued = await fake.issuedSecrets();
      assert.ok(issued.includes(credentials.app.access_token), 'the installation token is one the fake GitHub issued');
      assert.ok(issued.includes(credentials.user.access_token), 'the user token is one the fake GitHub issued');
    });

    test('auth() for MCP servers (named by the catalog, or by the connection) resolves with OAUTH2 credentials', async () => {
      const named = await run(await server.createSession(), `(n) => n.auth('sdk-mcp')`);
      const given = await run(await server.createSession(),
        `(n) => n.auth('sdk-mcp-generic', { params: { mcp_server_url: '${fake.baseUrl}/mcp-alt' } })`);
      for (const [result, key] of [[named, 'sdk-mcp'], [given, 'sdk-mcp-generic']]) {
        assert.equal(result.ok?.providerConfigKey, key, JSON.stringify(result));
        const connection = await server.api('GET', `/connections/${result.ok.connectionId}?provider_config_key=${key}`);
        assert.equal(connection.status, 200, JSON.stringify(connection.body));
        assert.equal(connection.body.credentials.type, 'OAUTH2');
        assert.match(connection.body.credentials.access_token, /^mat_/);
      }
    });

    test('auth() whose /oauth/connect fails rejects with the error type instead of waiting forever', async () => {
      // Bounded: before the fix the popup showed JSON and the promise never settled.
      const bounded = (call) => `(n) => Promise.race([${call}, new Promise((_, reject) => setTimeout(() => reject({ type: 'still pending after 10 s' }), 10000))])`;
      const restricted = await server.createSession({ end_user: { id: 'user-1' }, allowed_integrations: ['sdk-apikey'] });
      const expired = await server.createSession();
      const ended = await fetch(`${server.url}/connect/session`, { method: 'DELETE', headers: { authorization: `Bearer ${expired}` } });
      assert.equal(ended.status, 204);

      const notAllowed = await run(restricted, bounded(`n.auth('sdk-oauth')`));
      const chosenId = await run(await server.createSession(), bounded(`n.auth('sdk-oauth', 'my-own-id')`));
      const unknownIntegration = await run(await server.createSession(), bounded(`n.auth('sdk-nope')`));
      const endedSession = await run(expired, bounded(`n.auth('sdk-oauth')`));

      assert.equal(notAllowed.type, 'integration_not_allowed', JSON.stringify(notAllowed));
      assert.equal(chosenId.type, 'invalid_query_params', JSON.stringify(chosenId));
      assert.match(chosenId.message, /connection_id cannot be chosen/);
      assert.equal(unknownIntegration.type, 'provider_config_err', JSON.stringify(unknownIntegration));
      assert.equal(endedSession.type, 'unknown_connect_session_token', JSON.stringify(endedSession));
    });

    test('a popup blocked by the browser rejects with blocked_by_browser', async () => {
      const token = await server.createSession();
      const page = await blockingBrowser.context.newPage();
      try {
        await page.goto(`${pages.origin}${sdk.onLoad}?host=${encodeURIComponent(server.url)}&token=${token}&key=sdk-oauth`);
        const result = await page.evaluate(() => window.outcome);
        assert.equal(result.type, 'blocked_by_browser', JSON.stringify(result));
      } finally {
        await page.close();
      }
    });

    test('without a token, auth() throws missing_auth_token synchronously', async () => {
      const result = await run(null, `(n) => { try { n.auth('sdk-apikey'); return 'no throw'; } catch (e) { return 'sync:' + e.type; } }`, { click: false });
      assert.equal(result.ok, 'sync:missing_auth_token');
    });

    test('openConnectUI: ready, then the token is sent, then events reach onEvent; close removes the iframe', async () => {
      const token = await server.createSession();
      const page = await browser.context.newPage();
      try {
        await page.goto(pages.origin + sdk.page);
        const events = await page.evaluate(async ({ host, token, create, baseURL }) => {
          const options = { host, connectSessionToken: token };
          const nango = eval(create);
          const seen = [];
          await new Promise((resolve) => {
            nango.openConnectUI({ baseURL, apiURL: host, onEvent: (event) => { seen.push(event); if (event.type === 'connect') resolve(); } });
          });
          return seen.map((e) => ({ type: e.type, payload: e.payload }));
        }, { host: server.url, token, create: sdk.create, baseURL: `${stubUi.origin}/ui/` });
        assert.deepEqual(events.map((e) => e.type), ['ready', 'connect']);
        assert.equal(events[1].payload.connectionId, 'got-' + token.slice(-8));
        const frame = page.frameLocator('#connect-ui');
        await frame.locator('#close').click();
        await page.waitForFunction(() => !document.getElementById('connect-ui'));
      } finally {
        await page.close();
      }
    });
  });
}
