// The official @nangohq/frontend drives Latchkey's OAuth flow in headless Chromium: popup, WebSocket, callback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, servePages } from './harness/browser.mjs';
import { officialFrontendScript } from './harness/bundles.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const CLIENT = { type: 'OAUTH2', client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2', scopes: 'read' };
let fake;
let server;
let browser;
let pages;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  const created = await server.api('POST', '/integrations', { provider: 'fake-oauth2', unique_key: 'browser-oauth', credentials: CLIENT });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  pages = await servePages({
    '/': '<!doctype html><html><body><button id="go">Connect</button><script src="/nango.js"></script></body></html>',
    '/nango.js': await officialFrontendScript(),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await pages?.close();
  await server?.stop();
  await fake?.stop();
});

/**
 * Clicks a button that calls the given SDK method (a real user gesture, so the popup is allowed) and resolves with
 * the promise's outcome: { ok } or { type, message }.
 */
async function runInPage(token, call, { onPopup } = {}) {
  const page = await browser.context.newPage();
  try {
    await page.goto(pages.origin + '/');
    await page.evaluate(({ host, token, call }) => {
      window.outcome = new Promise((resolve) => {
        document.getElementById('go').addEventListener('click', () => {
          const nango = new window.NangoOfficial.default({ host, connectSessionToken: token });
          const options = { detectClosedAuthWindow: true };
          const promise = call === 'reconnect' ? nango.reconnect('browser-oauth', options) : nango.auth('browser-oauth', options);
          promise.then((ok) => resolve({ ok }), (error) => resolve({ type: error.type, message: error.message }));
        }, { once: true });
      });
    }, { host: server.url, token, call });
    const popupOpened = page.waitForEvent('popup');
    await page.click('#go');
    const popup = await popupOpened;
    if (onPopup) await onPopup(popup);
    return await page.evaluate(() => window.outcome);
  } finally {
    await page.close();
  }
}

test('nango.auth() for an OAuth 2 provider resolves with the connection id', async () => {
  await fake.control({ reset: true });
  const token = await server.createSession({ end_user: { id: 'browser-user' } });

  const result = await runInPage(token, 'auth');

  assert.equal(result.ok?.providerConfigKey, 'browser-oauth', JSON.stringify(result));
  assert.equal(result.ok?.isPending, false);
  const { status, body } = await server.api('GET', `/connections/${result.ok.connectionId}?provider_config_key=browser-oauth`);
  assert.equal(status, 200);
  assert.equal(body.credentials.type, 'OAUTH2');
  assert.equal((await fake.state()).codeExchanges, 1);
});

test('denied consent rejects with the spec error type', async () => {
  await fake.control({ reset: true, denyConsent: true });
  const token = await server.createSession();

  const result = await runInPage(token, 'auth');

  assert.equal(result.type, 'callback_err', JSON.stringify(result));
  assert.match(result.message, /access_denied/);
  await fake.control({ reset: true });
});

test('a popup closed early rejects with window_closed', async () => {
  await fake.control({ reset: true, manualConsent: true });
  const token = await server.createSession();

  const result = await runInPage(token, 'auth', {
    onPopup: async (popup) => {
      await popup.waitForSelector('#approve'); // the provider's consent page is showing
      await popup.close();
    },
  });

  assert.equal(result.type, 'window_closed', JSON.stringify(result));
  await fake.control({ reset: true });
});

test('reconnect() re-authorizes the same connection', async () => {
  await fake.control({ reset: true });
  const first = await runInPage(await server.createSession(), 'auth');
  const connectionId = first.ok.connectionId;
  const reconnect = await server.api('POST', '/connect/sessions/reconnect', { connection_id: connectionId, integration_id: 'browser-oauth' });

  const result = await runInPage(reconnect.body.data.token, 'reconnect');

  assert.equal(result.ok?.connectionId, connectionId, JSON.stringify(result));
  assert.equal((await fake.state()).codeExchanges, 2);
});

test('no code, token or state of these flows reached the server log', async () => {
  const issued = await fake.issuedSecrets();
  assert.ok(issued.length >= 6);
  for (const secret of [...issued, server.secretKey, CLIENT.client_secret]) {
    assert.ok(!server.logs.some((line) => line.includes(secret)), `a log line contains ${secret.slice(0, 4)}…`);
  }
});
