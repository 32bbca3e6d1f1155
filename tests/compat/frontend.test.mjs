// The official @nangohq/frontend, unmodified, in headless Chromium against a real Latchkey server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, servePages } from './harness/browser.mjs';
import { officialFrontendScript } from './harness/bundles.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const GOOD_KEY = 'fake_good_key_7f3a9c';
let fake;
let server;
let browser;
let pages;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  await server.api('POST', '/integrations', { provider: 'fake-apikey', unique_key: 'browser-apikey' });
  pages = await servePages({
    '/': '<!doctype html><html><body><script src="/nango.js"></script></body></html>',
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

/** Runs nango.auth() for an API key in the page; resolves with the result or the AuthError's type and message. */
async function authInPage(token, apiKey) {
  const page = await browser.context.newPage();
  try {
    await page.goto(pages.origin + '/');
    return await page.evaluate(async ({ host, token, apiKey }) => {
      const nango = new window.NangoOfficial.default({ host, connectSessionToken: token });
      try {
        return { ok: await nango.auth('browser-apikey', { credentials: { apiKey } }) };
      } catch (error) {
        return { type: error.type, message: error.message, isAuthError: error instanceof window.NangoOfficial.AuthError };
      }
    }, { host: server.url, token, apiKey });
  } finally {
    await page.close();
  }
}

test('nango.auth() with a good API key resolves with the new connection', async () => {
  const token = await server.createSession();

  const result = await authInPage(token, GOOD_KEY);

  assert.equal(result.ok?.providerConfigKey, 'browser-apikey');
  assert.match(result.ok?.connectionId ?? '', /^[0-9a-f-]{36}$/);
  const { status, body } = await server.api('GET', `/connections/${result.ok.connectionId}?provider_config_key=browser-apikey`);
  assert.equal(status, 200);
  assert.equal(body.credentials.apiKey, GOOD_KEY);
});

test('nango.auth() with a bad API key rejects with connection_test_failed', async () => {
  const token = await server.createSession();

  const result = await authInPage(token, 'not-the-key');

  assert.equal(result.isAuthError, true);
  assert.equal(result.type, 'connection_test_failed');
});

test('nango.auth() with an expired or unknown token rejects with the server code', async () => {
  const result = await authInPage('nango_connect_session_' + '0'.repeat(64), GOOD_KEY);

  assert.equal(result.type, 'unknown_connect_session_token');
});

test('no secret reached the server log', async () => {
  for (const secret of [GOOD_KEY, server.secretKey]) {
    assert.ok(!server.logs.some((line) => line.includes(secret)), `a log line contains ${secret.slice(0, 6)}…`);
  }
});
