// The Connect UI in headless Chromium: opened over a customer page by the SDK's openConnectUI, against the real
// server and the fake provider. Every test starts from a fresh connect session.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axeSource, customerSite, eventsOf, launchBrowser, openConnectUI, uiFrame, waitForEvent } from './harness/connect-ui.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const GOOD_KEY = 'fake_good_key_7f3a9c';
let fake;
let server;
let browser;
let site;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  for (const [provider, key] of [['fake-apikey', 'ui-apikey'], ['fake-basic', 'ui-basic'], ['fake-region', 'ui-region']]) {
    const { status } = await server.api('POST', '/integrations', { provider, unique_key: key });
    assert.equal(status, 200);
  }
  site = await customerSite();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
  await fake?.stop();
});

const session = (extra = {}) => server.createSession({ end_user: { id: 'user-ui', email: 'ada@example.com' }, ...extra });

async function credentialsOf(connectionId, key) {
  const { status, body } = await server.api('GET', `/connections/${connectionId}?provider_config_key=${key}`);
  assert.equal(status, 200);
  return body;
}

test('API key with a good key: list, form, success screen, connect event, stored credentials', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  try {
    await waitForEvent(page, 'ready');
    await ui.getByRole('button', { name: 'Fake API Key' }).click();
    await ui.getByRole('heading', { name: 'Connect Fake API Key' }).waitFor();

    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await ui.getByText('API Key is required.').waitFor();
    assert.match(await ui.getByRole('alert').first().textContent(), /need your attention/);

    await ui.getByLabel('API Key').fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await ui.getByRole('heading', { name: 'Connected' }).waitFor();

    const connect = await waitForEvent(page, 'connect');
    assert.equal(connect.payload.providerConfigKey, 'ui-apikey');
    assert.equal((await credentialsOf(connect.payload.connectionId, 'ui-apikey')).credentials.apiKey, GOOD_KEY);

    await ui.getByRole('button', { name: 'Finish' }).click();
    await waitForEvent(page, 'close');
    await page.waitForFunction(() => !document.getElementById('connect-ui'));
  } finally {
    await page.close();
  }
});

test('API key with a bad key: failure screen naming the rejection, error event, retry keeps the form', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session({ allowed_integrations: ['ui-apikey'] }));
  try {
    await ui.getByLabel('API Key').fill('wrong-key');
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await ui.getByRole('heading', { name: 'Connection failed' }).waitFor();
    assert.match(await ui.getByRole('alert').textContent(), /Fake API Key rejected these credentials/);

    const error = await waitForEvent(page, 'error');
    assert.equal(error.payload.errorType, 'connection_test_failed');

    await ui.getByRole('button', { name: 'Try again' }).click();
    assert.equal(await ui.getByLabel('API Key').inputValue(), 'wrong-key');
    await ui.getByLabel('API Key').fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await waitForEvent(page, 'connect');
  } finally {
    await page.close();
  }
});

test('a provider that cannot be reached: the failure screen says so, not that the key was rejected', async () => {
  assert.equal((await server.api('POST', '/integrations', { provider: 'fake-unreachable', unique_key: 'ui-unreachable' })).status, 200);
  const { page, ui } = await openConnectUI(browser, site, server, await session({ allowed_integrations: ['ui-unreachable'] }));
  try {
    await ui.getByLabel('API Key').fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await ui.getByRole('heading', { name: 'Connection failed' }).waitFor();
    const alert = await ui.getByRole('alert').textContent();
    assert.match(alert, /Fake Unreachable could not be reached/);
    assert.match(alert, /were not rejected/);
    assert.doesNotMatch(alert, /rejected these credentials/);
    assert.equal(await ui.locator('[data-screen="failure"]').getAttribute('data-error-type'), 'provider_unreachable');

    const error = await waitForEvent(page, 'error');
    assert.equal(error.payload.errorType, 'provider_unreachable');
    assert.match(error.payload.errorMessage, /could not be reached to check these credentials/);
  } finally {
    await page.close();
    await server.api('DELETE', '/integrations/ui-unreachable'); // the list counts of later tests stay as they were
  }
});

test('basic auth: username and password reach the provider', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  try {
    await ui.getByRole('button', { name: 'Fake Basic' }).click();
    await ui.getByLabel('Username').fill('ada');
    await ui.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    assert.equal(await ui.getByLabel('Password', { exact: true }).getAttribute('type'), 'password');
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const connect = await waitForEvent(page, 'connect');
    assert.equal(connect.payload.providerConfigKey, 'ui-basic');
    const stored = await credentialsOf(connect.payload.connectionId, 'ui-basic');
    assert.equal(stored.credentials.username, 'ada');
  } finally {
    await page.close();
  }
});

test('connection-config field: the region select is sent as params and stored as connection config', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  try {
    await ui.getByRole('button', { name: 'Fake Regional' }).click();
    const region = ui.getByLabel('Region');
    assert.equal(await region.inputValue(), 'eu');
    await region.selectOption('us');
    await ui.getByText('Where your account lives').waitFor();
    await ui.getByLabel('API Key').fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const connect = await waitForEvent(page, 'connect');
    const stored = await credentialsOf(connect.payload.connectionId, 'ui-region');
    assert.equal(stored.connection_config.region, 'us');
  } finally {
    await page.close();
  }
});

test('a session allowing one integration goes straight to its form, without a back button', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session({ allowed_integrations: ['ui-basic'] }));
  try {
    await ui.getByRole('heading', { name: 'Connect Fake Basic' }).waitFor();
    assert.equal(await ui.getByRole('button', { name: 'Back' }).count(), 0);
  } finally {
    await page.close();
  }
});

test('reconnect session opens its integration and re-authorises the same connection', async () => {
  const first = await session({ allowed_integrations: ['ui-apikey'] });
  const created = await fetch(`${server.url}/api-auth/api-key/ui-apikey?connect_session_token=${first}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: GOOD_KEY }),
  }).then((r) => r.json());
  const { status, body } = await server.api('POST', '/connect/sessions/reconnect', { connection_id: created.connectionId, integration_id: 'ui-apikey' });
  assert.equal(status, 201);

  const { page, ui } = await openConnectUI(browser, site, server, body.data.token);
  try {
    await ui.getByRole('heading', { name: 'Reconnect Fake API Key' }).waitFor();
    await ui.getByLabel('API Key').fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const connect = await waitForEvent(page, 'connect');
    assert.equal(connect.payload.connectionId, created.connectionId);
  } finally {
    await page.close();
  }
});

test('the close button and the Escape key send close; the SDK removes the iframe', async () => {
  for (const how of ['button', 'escape']) {
    const { page, ui } = await openConnectUI(browser, site, server, await session());
    try {
      await ui.getByRole('button', { name: 'Fake API Key' }).waitFor();
      if (how === 'button') await ui.getByRole('button', { name: 'Close' }).click();
      else await ui.getByRole('button', { name: 'Fake API Key' }).press('Escape');
      await waitForEvent(page, 'close');
      await page.waitForFunction(() => !document.getElementById('connect-ui'));
      assert.equal(await page.evaluate(() => document.body.style.overflow), '');
    } finally {
      await page.close();
    }
  }
});

test('closing a dirty form asks first; declining keeps the UI open', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session({ allowed_integrations: ['ui-apikey'] }));
  try {
    await ui.getByLabel('API Key').fill('half typed');
    const dialogs = [];
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    await ui.getByRole('button', { name: 'Close' }).click();
    await ui.getByLabel('API Key').waitFor();
    assert.deepEqual(dialogs, ['Discard what you entered and close?']);
    assert.ok(!(await eventsOf(page)).some((e) => e.type === 'close'));
  } finally {
    await page.close();
  }
});

test('an expired (deleted) session token shows the session-expired screen', async () => {
  const token = await session();
  const deleted = await fetch(`${server.url}/connect/session`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  assert.equal(deleted.status, 204);
  const { page, ui } = await openConnectUI(browser, site, server, token);
  try {
    await ui.getByRole('heading', { name: 'Session expired' }).waitFor();
    assert.match(await ui.getByRole('alert').textContent(), /expired/);
  } finally {
    await page.close();
  }
});

test('standalone connect link: full page, no close button, connect, then "you can close this tab"', async () => {
  const { status, body } = await server.api('POST', '/connect/sessions', { end_user: { id: 'user-link' } });
  assert.equal(status, 201);
  const page = await browser.context.newPage();
  try {
    await page.goto(body.data.connect_link);
    await page.getByRole('button', { name: 'Fake API Key' }).click();
    assert.equal(await page.getByRole('button', { name: 'Close' }).count(), 0);
    await page.getByLabel('API Key').fill(GOOD_KEY);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('You can now close this tab.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Finish' }).count(), 0);
    const { body: list } = await server.api('GET', '/connections');
    assert.ok(list.connections.some((c) => c.end_user?.id === 'user-link' && c.provider_config_key === 'ui-apikey'), JSON.stringify(list));
  } finally {
    await page.close();
  }
});

test('a top-level page without a token says to start from the application', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${server.url}/connect-ui/`);
    await page.getByText('Start the connection from the application you came from.').waitFor();
  } finally {
    await page.close();
  }
});

test('the official @nangohq/frontend openConnectUI drives the same API-key flow', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session({ allowed_integrations: ['ui-apikey'] }), { sdk: 'official' });
  try {
    await waitForEvent(page, 'ready');
    await ui.getByLabel('API Key').fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const connect = await waitForEvent(page, 'connect');
    assert.equal(connect.payload.providerConfigKey, 'ui-apikey');
    await ui.getByRole('button', { name: 'Finish' }).click();
    await waitForEvent(page, 'close');
  } finally {
    await page.close();
  }
});

test('keyboard only: Tab stays inside the dialog, Enter submits, errors are announced', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session({ allowed_integrations: ['ui-apikey'] }));
  try {
    await ui.getByLabel('API Key').waitFor();
    const frame = await uiFrame(page);
    assert.equal(await frame.evaluate(() => document.activeElement?.id), 'credentials.apiKey');
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      assert.ok(await frame.evaluate(() => Boolean(document.activeElement?.closest('[role=dialog]'))), `focus left the dialog after ${i + 1} Tab`);
    }
    await ui.getByLabel('API Key').focus();
    await page.keyboard.press('Enter');
    await ui.getByText('API Key is required.').waitFor();
    assert.equal(await ui.getByLabel('API Key').getAttribute('aria-invalid'), 'true');
    await page.keyboard.type(GOOD_KEY);
    await page.keyboard.press('Enter');
    await waitForEvent(page, 'connect');
  } finally {
    await page.close();
  }
});

test('a heading focused for screen readers draws no ring; a control reached with Tab keeps its ring', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  try {
    await ui.getByRole('button', { name: 'Fake API Key' }).waitFor();
    const frame = await uiFrame(page);
    await page.keyboard.press('Tab'); // keyboard use: from here on Chromium treats programmatic focus as :focus-visible
    const heading = await frame.evaluate(() => {
      const h1 = document.querySelector('h1');
      h1.focus();
      const style = getComputedStyle(h1);
      return { focused: document.activeElement === h1, visible: h1.matches(':focus-visible'), outline: style.outlineStyle, width: style.outlineWidth };
    });
    assert.equal(heading.focused, true);
    assert.equal(heading.visible, true, 'the case the rule is for: a programmatic focus after keyboard use');
    assert.equal(heading.outline, 'none', JSON.stringify(heading));

    await page.keyboard.press('Tab');
    const control = await frame.evaluate(() => {
      const active = document.activeElement;
      return { tag: active.tagName, outline: getComputedStyle(active).outlineStyle };
    });
    assert.notEqual(control.tag, 'H1');
    assert.equal(control.outline, 'solid', JSON.stringify(control));
  } finally {
    await page.close();
  }
});

test('Back returns to the list with focus on the integration the user came from', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  try {
    await ui.getByRole('button', { name: 'Fake Regional' }).click();
    await ui.getByLabel('Region').waitFor();
    await ui.getByRole('button', { name: 'Back' }).click();
    await ui.getByRole('button', { name: 'Fake Regional' }).waitFor();
    const frame = await uiFrame(page);
    await frame.waitForFunction(() => document.activeElement?.textContent === 'Fake Regional');
  } finally {
    await page.close();
  }
});

test('telemetry beacons reach POST /connect/telemetry and are accepted', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  const statuses = [];
  page.on('requestfinished', async (request) => {
    if (request.url().endsWith('/connect/telemetry')) statuses.push((await request.response())?.status());
  });
  try {
    await ui.getByRole('button', { name: 'Fake API Key' }).waitFor();
    // Watch what the UI hands to sendBeacon from here on (the real beacon still goes out).
    const frame = await uiFrame(page);
    await frame.evaluate(() => {
      window.sentBeacons = [];
      const send = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, blob) => { blob.text().then((text) => window.sentBeacons.push({ url, body: JSON.parse(text) })); return send(url, blob); };
    });
    await ui.getByRole('button', { name: 'Fake API Key' }).click();
    await ui.getByLabel('API Key').waitFor();
    await frame.waitForFunction(() => window.sentBeacons.some((b) => b.body.event === 'view:integration'));
    const sent = await frame.evaluate(() => window.sentBeacons);
    assert.deepEqual(sent.map((b) => b.body.event), ['click:integration', 'view:integration']);
    assert.equal(sent[1].url, `${server.url}/connect/telemetry`);
    assert.deepEqual(sent[1].body.dimensions, { integration: 'ui-apikey' });
    assert.match(sent[1].body.token, /^nango_connect_session_/);
    const deadline = Date.now() + 5000;
    while (statuses.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(statuses.length >= 3, `beacons seen: ${statuses.length}`);
    assert.ok(statuses.every((status) => status === 204), JSON.stringify(statuses));
  } finally {
    await page.close();
  }
});

test('axe-core finds no serious or critical violation on the list, the form with errors, and the failure screen', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  const audit = async (where) => {
    const frame = await uiFrame(page);
    await frame.evaluate(axeSource());
    const result = await frame.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${where}: ${v.id} ${v.nodes.map((n) => n.target).join(' ')}`), []);
  };
  try {
    await ui.getByRole('button', { name: 'Fake Regional' }).waitFor();
    await audit('list');
    await ui.getByRole('button', { name: 'Fake Regional' }).click();
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await ui.getByText('API Key is required.').waitFor();
    await audit('form');
    await ui.getByLabel('API Key').fill('nope');
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    await ui.getByRole('heading', { name: 'Connection failed' }).waitFor();
    await audit('failure');
  } finally {
    await page.close();
  }
});

test('a long list offers search; a provider without credentials connects with one click', async () => {
  for (const [provider, key] of [['fake-none', 'ui-none'], ['fake-noverify', 'ui-noverify-1'], ['fake-noverify', 'ui-noverify-2'], ['fake-oauth2-cc', 'ui-cc']]) {
    assert.equal((await server.api('POST', '/integrations', { provider, unique_key: key })).status, 200);
  }
  const { page, ui } = await openConnectUI(browser, site, server, await session());
  try {
    const search = ui.getByLabel('Search integrations');
    await search.waitFor();
    await ui.getByText('Available integrations: 7').waitFor();
    await search.fill('public');
    await ui.getByText('Available integrations: 1').waitFor();
    assert.equal(await ui.locator('button.integration').count(), 1);
    await search.fill('zzz');
    await ui.getByText('No integration matches your search.').waitFor();
    await search.fill('public');

    await ui.getByRole('button', { name: 'Fake Public Data' }).click();
    await ui.getByText('Connect your Fake Public Data account.').waitFor();
    assert.equal(await ui.locator('form input').count(), 0);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const connect = await waitForEvent(page, 'connect');
    assert.equal(connect.payload.providerConfigKey, 'ui-none');
  } finally {
    await page.close();
  }
});
