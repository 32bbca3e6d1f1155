// OAuth 2 through the Connect UI: the UI (inside the iframe) opens the SDK popup, the fake provider consents or
// denies, and the outcome reaches the UI over the WebSocket and the callback page's message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { customerSite, launchBrowser, openConnectUI, waitForEvent } from './harness/connect-ui.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const CLIENT = { type: 'OAUTH2', client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2', scopes: 'read' };
let fake;
let server;
let browser;
let site;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  const created = await server.api('POST', '/integrations', { provider: 'fake-oauth2', unique_key: 'ui-oauth', credentials: CLIENT });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  site = await customerSite();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
  await fake?.stop();
});

const oauthSession = () => server.createSession({ end_user: { id: 'user-oauth' }, allowed_integrations: ['ui-oauth'] });

test('OAuth 2 success: the popup consents, the UI shows success and the page gets connect', async () => {
  await fake.control({ reset: true });
  const { page, ui } = await openConnectUI(browser, site, server, await oauthSession());
  try {
    await ui.getByText('A new window will open so that you can sign in to Fake OAuth.').waitFor();
    const popup = page.context().waitForEvent('page');
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await popup;
    await ui.getByRole('heading', { name: 'Connected' }).waitFor({ timeout: 20_000 });
    const connect = await waitForEvent(page, 'connect');
    assert.equal(connect.payload.providerConfigKey, 'ui-oauth');
    const { status, body } = await server.api('GET', `/connections/${connect.payload.connectionId}?provider_config_key=ui-oauth`);
    assert.equal(status, 200);
    assert.equal(body.credentials.type, 'OAUTH2');
  } finally {
    await page.close();
  }
});

test('OAuth 2 denial: the failure screen names the provider error, the page gets one error event, retry works', async () => {
  await fake.control({ reset: true, denyConsent: true });
  const { page, ui } = await openConnectUI(browser, site, server, await oauthSession());
  try {
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await ui.getByRole('heading', { name: 'Connection failed' }).waitFor({ timeout: 20_000 });
    const error = await waitForEvent(page, 'error');
    assert.notEqual(error.payload.errorType, 'unknown_error');
    assert.match(error.payload.errorMessage, /access_denied/);
    await new Promise((r) => setTimeout(r, 1000));
    const errors = (await page.evaluate(() => window.uiEvents)).filter((e) => e.type === 'error');
    assert.equal(errors.length, 1, JSON.stringify(errors));

    await fake.control({ reset: true });
    await ui.getByRole('button', { name: 'Try again' }).click();
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await waitForEvent(page, 'connect', 20_000);
  } finally {
    await page.close();
    await fake.control({ reset: true });
  }
});

test('OAuth popup closed early (detectClosedAuthWindow): inline message, window_closed event, Connect again works', async () => {
  await fake.control({ reset: true, manualConsent: true });
  const { page, ui } = await openConnectUI(browser, site, server, await oauthSession(), { detectClosedAuthWindow: true });
  try {
    const popupOpened = page.context().waitForEvent('page');
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const popup = await popupOpened;
    await popup.waitForSelector('#approve');
    await popup.close();
    await ui.getByText('The sign-in window was closed before the connection was finished.').waitFor({ timeout: 10_000 });
    const error = await waitForEvent(page, 'error');
    assert.equal(error.payload.errorType, 'window_closed');

    await fake.control({ reset: true });
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await waitForEvent(page, 'connect', 20_000);
  } finally {
    await page.close();
    await fake.control({ reset: true });
  }
});
