// OAuth by full-page redirect (issue 19), in Chromium: a connect link on a phone, a customer page whose popups are
// blocked, a return address outside the allowed origins, and a replayed callback. No popup, no WebSocket.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshotPath, servePages } from './harness/browser.mjs';
import { latchkeyFrontendScript } from './harness/bundles.mjs';
import { repoRoot, startFakeWorld, startServer } from './harness/processes.mjs';

const CLIENT = { type: 'OAUTH2', client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2', scopes: 'read' };
// A phone, as Playwright's 'Pixel 7' descriptor has it: touch, mobile viewport, and its pointer is coarse.
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
// The customer page: the SDK's <script> bundle, and the redirect entry as a module that reads the outcome.
const APP_PAGE = `<!doctype html><html lang="en"><head><title>Customer</title></head><body><h1>Customer app</h1>
<script src="/latchkey.js"></script>
<script type="module">import { readRedirectResult } from '/redirect.js'; window.outcome = readRedirectResult();</script></body></html>`;

let fake;
let server;
let phone;
let desktop;
let site;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  const created = await server.api('POST', '/integrations', { provider: 'fake-oauth2', unique_key: 'ui-oauth', credentials: CLIENT });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  site = await servePages({
    '/app': APP_PAGE,
    '/latchkey.js': latchkeyFrontendScript(),
    '/redirect.js': readFileSync(join(repoRoot, 'web/frontend/dist/redirect.js'), 'utf8'),
  });
  const patched = await server.api('PATCH', '/environment', { allowed_origins: [site.origin] });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  phone = await launchBrowser({ device: PHONE });
  desktop = await launchBrowser();
});

after(async () => {
  await phone?.close();
  await desktop?.close();
  await site?.close();
  await server?.stop();
  await fake?.stop();
});

async function connectLink(endUser) {
  const { status, body } = await server.api('POST', '/connect/sessions', { end_user: { id: endUser }, allowed_integrations: ['ui-oauth'] });
  assert.equal(status, 201, JSON.stringify(body));
  return body.data.connect_link;
}

async function connectionsOf(endUser) {
  const { body } = await server.api('GET', '/connections');
  return body.connections.filter((c) => c.end_user?.id === endUser);
}

/** Counts pages (popups, tabs) opened besides the test's own while `action` runs. */
async function countingNewPages(context, action) {
  let opened = 0;
  const onPage = () => { opened += 1; };
  context.on('page', onPage);
  try {
    await action();
  } finally {
    context.off('page', onPage);
  }
  return opened;
}

test('a connect link on a phone connects by redirect: no popup, success shown on the link, the callback cannot be replayed', async () => {
  await fake.control({ reset: true, manualConsent: true });
  const page = await phone.context.newPage();
  const callbacks = [];
  page.on('request', (request) => request.url().includes('/oauth/callback') && callbacks.push(request.url()));
  try {
    await page.goto(await connectLink('user-phone'));
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), true);
    const connect = page.getByRole('button', { name: 'Connect', exact: true });
    await connect.waitFor();
    await page.screenshot({ path: screenshotPath('connect-ui-mobile-1-link.png') });

    const opened = await countingNewPages(phone.context, async () => {
      await connect.click();
      await page.waitForSelector('#approve', { timeout: 15_000 });
      await page.screenshot({ path: screenshotPath('connect-ui-mobile-2-provider.png') });
      await page.click('#approve');
      await page.getByRole('heading', { name: 'Connected' }).waitFor({ timeout: 20_000 });
    });
    await page.screenshot({ path: screenshotPath('connect-ui-mobile-3-connected.png') });

    assert.equal(opened, 0, 'no popup or tab was opened');
    await page.getByText('You can now close this tab.').waitFor();
    const url = new URL(page.url());
    assert.equal(url.origin + url.pathname, `${server.url}/connect-ui/`);
    assert.equal(url.searchParams.get('latchkey_result'), null, 'the outcome is taken out of the address bar');
    assert.equal(url.searchParams.get('session_token'), null, 'the token did not travel through the provider');
    const connections = await connectionsOf('user-phone');
    assert.equal(connections.length, 1, JSON.stringify(connections));

    assert.equal(callbacks.length, 1);
    const replay = await page.goto(callbacks[0]);
    assert.equal(replay.status(), 400);
    assert.match(await page.content(), /state_err/);
    assert.equal((await connectionsOf('user-phone')).length, 1, 'a replay makes no second connection');
  } finally {
    await page.close();
    await fake.control({ reset: true });
  }
});

test('a desktop connect link whose popup is refused falls back to redirect and shows success', async () => {
  await fake.control({ reset: true });
  const page = await desktop.context.newPage();
  await page.addInitScript(() => { window.open = () => null; });
  try {
    await page.goto(await connectLink('user-webview'));
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('heading', { name: 'Connected' }).waitFor({ timeout: 20_000 });
    assert.equal((await connectionsOf('user-webview')).length, 1);
  } finally {
    await page.close();
  }
});

test('a page whose popups are blocked completes auth() in redirect mode and reads the outcome on its returnUrl', async () => {
  await fake.control({ reset: true });
  const token = await server.createSession({ end_user: { id: 'user-sdk' }, allowed_integrations: ['ui-oauth'] });
  const page = await desktop.context.newPage();
  await page.addInitScript(() => { window.open = () => null; });
  try {
    await page.goto(`${site.origin}/app?tab=integrations`);
    const firstTry = await page.evaluate(async ({ host, token }) => {
      const nango = new window.Nango({ host, connectSessionToken: token });
      try {
        await nango.auth('ui-oauth');
        return 'resolved';
      } catch (error) {
        if (error.type !== 'blocked_by_browser') return error.type;
        void nango.auth('ui-oauth', { redirect: { returnUrl: `${location.origin}/app?tab=integrations` } });
        return 'blocked, redirecting';
      }
    }, { host: server.url, token });
    assert.equal(firstTry, 'blocked, redirecting');

    await page.waitForURL((url) => url.searchParams.has('latchkey_result'), { timeout: 20_000 });
    await page.waitForFunction(() => window.outcome !== undefined);
    const outcome = await page.evaluate(() => window.outcome);
    assert.equal(outcome.type, 'success', JSON.stringify(outcome));
    assert.equal(outcome.providerConfigKey, 'ui-oauth');
    assert.equal(new URL(page.url()).searchParams.get('tab'), 'integrations');
    const connections = await connectionsOf('user-sdk');
    assert.deepEqual(connections.map((c) => c.connection_id), [outcome.connectionId]);
  } finally {
    await page.close();
  }
});

test('a returnUrl outside the allowed origins is refused before the provider is reached', async () => {
  await fake.control({ reset: true });
  const token = await server.createSession({ end_user: { id: 'user-evil' }, allowed_integrations: ['ui-oauth'] });
  const page = await desktop.context.newPage();
  try {
    await page.goto(`${site.origin}/app`);
    const answered = page.waitForResponse((response) => response.url().includes('/oauth/connect/'));
    await page.evaluate(({ host, token }) => {
      void new window.Nango({ host, connectSessionToken: token }).auth('ui-oauth', { redirect: { returnUrl: 'https://evil.example.net/collect' } });
    }, { host: server.url, token });
    const response = await answered;
    assert.equal(response.status(), 400);
    const body = await response.json();
    assert.equal(body.error.code, 'invalid_query_params');
    assert.match(body.error.message, /return_to/);
    await page.waitForLoadState();
    assert.ok(page.url().startsWith(`${server.url}/oauth/connect/`), page.url());
    assert.equal((await connectionsOf('user-evil')).length, 0);
  } finally {
    await page.close();
  }
});
