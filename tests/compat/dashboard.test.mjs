// The dashboard in headless Chromium: log in, create an integration from the catalog, share a connect link, complete
// an API-key connection with it, find the connection and its attempt, see the webhook delivery; create an OAuth
// integration with its client; read expiries, logos and the API keys; rotate the secret key. Screenshots for the
// README's tour are refreshed in docs/images/dashboard-*.png with UPDATE_SCREENSHOTS=1 (this file and
// dashboard-layout.test.mjs, which takes the phone one).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshotPath } from './harness/browser.mjs';
import { connectApiKey as connect, dashboardPage as openDashboard, GOOD_KEY } from './harness/dashboard.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const ADMIN = { email: 'ops@example.com', password: 'dashboard-test-password-1' };
let fake;
let server;
let browser;
let receiver;
const received = [];

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({
    providersFile: fake.providersFile,
    env: { LATCHKEY_ADMIN_EMAIL: ADMIN.email, LATCHKEY_ADMIN_PASSWORD: ADMIN.password, LATCHKEY_WEBHOOK_POLL_MS: '100' },
  });
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => { received.push({ headers: request.headers, body }); response.writeHead(200).end('ok'); });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (receiver ? receiver.close(r) : r()));
  await server?.stop();
  await fake?.stop();
});

const dashboardPage = (path) => openDashboard(browser, server, ADMIN, path);
const connectApiKey = (integrationKey, endUserId) => connect(server, integrationKey, endUserId);

// A form's submit navigates; the picture waits until that page and its images (provider logos) have loaded, since
// Chromium refuses to capture a page that is still being replaced.
async function shot(page, name) {
  await page.waitForLoadState('networkidle');
  await page.setViewportSize({ width: 1100, height: 640 });
  await page.screenshot({ path: screenshotPath(`dashboard-${name}.png`) });
}

test('an admin creates an integration, shares a connect link, and sees the connection, its log and its webhook', async (t) => {
  const webhookUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;
  const page = await browser.context.newPage();
  // The dashboard's CSP allows no inline script: a page that still had one would report a violation here.
  const violations = [];
  page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });

  // Anonymous → login page.
  await page.goto(`${server.url}/dashboard/`);
  assert.match(page.url(), /\/dashboard\/login/);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', 'not the password');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('body'), /Wrong e-mail or password/);
  await shot(page, 'login');
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await page.click('button[type=submit]');
  assert.match(page.url(), /\/dashboard\/dev\/connections/);

  // Webhook URL from the Settings page.
  await page.goto(`${server.url}/dashboard/dev/settings`);
  await page.fill('#primary_url', webhookUrl);
  await page.click('#settings-form button[type=submit]');
  assert.match(await page.textContent('.notice'), /Settings saved/);

  // Integration from the searchable catalog.
  await page.goto(`${server.url}/dashboard/dev/integrations/new`);
  await page.fill('input[name=q]', 'fake api');
  await page.click('form.row button[type=submit]');
  await shot(page, 'catalog');
  await page.click('a[data-provider="fake-apikey"]');
  assert.equal(await page.inputValue('#unique_key'), 'fake-apikey');
  await page.click('#create-integration');
  assert.match(await page.textContent('.notice'), /Integration fake-apikey created/);
  assert.match(await page.textContent('table'), /fake-apikey/);
  await shot(page, 'integrations');
  // The catalog now says it is added, and opens it.
  await page.goto(`${server.url}/dashboard/dev/integrations/new?q=fake+api+key`);
  await page.click('a[data-open="fake-apikey"]');
  assert.match(page.url(), /\/dashboard\/dev\/integrations\/fake-apikey$/);

  // Share connect link.
  await page.goto(`${server.url}/dashboard/dev/connections`);
  await page.click('#share-link');
  await page.check('input[name=integration][value="fake-apikey"]');
  await page.fill('#end_user_id', 'customer-admin-7');
  await page.fill('#end_user_email', 'admin@customer.example');
  await page.click('#create-link');
  const link = await page.inputValue('#connect-link');
  const expiry = await page.getAttribute('#link-expiry', 'datetime');
  assert.match(link, /session_token=nango_connect_session_[0-9a-f]{64}/);
  const days = (Date.parse(expiry) - Date.now()) / 86_400_000;
  assert.ok(days > 6.9 && days <= 7, `link lasts 7 days, not ${days}`);
  assert.match(await page.textContent('#link-expiry'), /\(in 7 days\)$/);
  await shot(page, 'share');
  // The copy button runs from the dashboard's script file (no inline handler).
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.click('#copy-link');
  await page.waitForFunction(() => document.getElementById('copy-link').textContent === 'Copied');
  assert.deepEqual(violations, []);

  // The customer's admin opens the link in a new page. With the Connect UI served (web/connect-ui built), the key is
  // entered in it; without it (a branch where the Connect UI has not landed) the page's script does what the Connect
  // UI does: POST the key with the link's session token to the SDK's endpoint.
  const customer = await browser.context.newPage();
  const opened = await customer.goto(link);
  const heading = customer.getByRole('heading', { name: 'Connect Fake API Key' });
  const hasConnectUi = opened.ok() && await heading.waitFor({ timeout: 10_000 }).then(() => true, () => false);
  if (hasConnectUi) {
    await customer.getByLabel('API Key').fill(GOOD_KEY);
    await customer.getByRole('button', { name: 'Connect', exact: true }).click();
    await customer.getByRole('heading', { name: 'Connected' }).waitFor();
    await shot(customer, 'connect-link');
  } else {
    const token = new URL(link).searchParams.get('session_token');
    const connect = await customer.evaluate(async ({ api, token, key }) => {
      const response = await fetch(`${api}/api-auth/api-key/fake-apikey?connect_session_token=${token}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: key }),
      });
      return { status: response.status, body: await response.json() };
    }, { api: server.url, token, key: GOOD_KEY });
    assert.equal(connect.status, 200, JSON.stringify(connect.body));
  }
  t.diagnostic(hasConnectUi ? 'connection completed in the Connect UI' : 'Connect UI not served: connection completed through the session token');
  await customer.close();
  const listed = await server.api('GET', '/connections?integrationId=fake-apikey');
  assert.equal(listed.body.connections.length, 1, JSON.stringify(listed.body));
  const connectionId = listed.body.connections[0].connection_id;

  // Connections lists it, with the end user.
  await page.goto(`${server.url}/dashboard/dev/connections`);
  const table = await page.textContent('#connections');
  assert.ok(table.includes(connectionId) && table.includes('customer-admin-7'));
  await shot(page, 'connections');
  await page.click(`a:has-text("${connectionId}")`);
  assert.doesNotMatch(await page.textContent('body'), new RegExp(GOOD_KEY));
  await page.click('text=Reveal credentials');
  assert.match(await page.textContent('#credentials'), new RegExp(GOOD_KEY));

  // Logs show the attempt (written off the request path: reload until it is there).
  let logs = '';
  for (let i = 0; i < 50 && !logs.includes(connectionId); i++) {
    await page.goto(`${server.url}/dashboard/dev/logs?integration=fake-apikey`);
    logs = (await page.$('#logs')) ? await page.textContent('#logs') : '';
    if (!logs.includes(connectionId)) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(logs.includes(connectionId) && logs.includes('api_key') && logs.includes('success'), logs);
  await shot(page, 'logs');

  // The creation webhook arrived and its delivery is listed.
  for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(JSON.parse(received[0].body).connectionId, connectionId);
  await page.goto(`${server.url}/dashboard/dev/webhooks`);
  assert.match(await page.textContent('#deliveries'), /delivered/);
  await shot(page, 'webhooks');
  await page.close();
});

test('an OAuth integration is created with its client id, secret and scopes; a refusal shows next to its field', async () => {
  const page = await dashboardPage('/dashboard/dev/integrations/new?q=fake+oauth');
  try {
    await page.click('a[data-provider="fake-oauth2"]');
    assert.equal(await page.inputValue('#scopes'), 'read'); // the catalog's default_scopes
    await page.fill('#unique_key', 'my/oauth');
    await page.fill('#client_id', 'dashboard-client-id');
    await page.fill('#client_secret', 'dashboard-client-secret');
    await page.fill('#scopes', 'read write');
    await page.click('#create-integration');
    assert.match(await page.textContent('#unique_key-error'), /Unique key must contain only letters/);
    assert.equal(await page.getAttribute('#unique_key', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#client_id'), 'dashboard-client-id');
    assert.equal(await page.inputValue('#client_secret'), ''); // a secret is never sent back
    await shot(page, 'new-integration');

    await page.fill('#unique_key', 'my-oauth');
    await page.fill('#client_secret', 'dashboard-client-secret');
    await page.click('#create-integration');
    assert.match(await page.textContent('.notice'), /Integration my-oauth created/);
    const { body } = await server.api('GET', '/integrations/my-oauth?include=credentials');
    assert.deepEqual(
      [body.data.credentials.client_id, body.data.credentials.client_secret, body.data.credentials.scopes],
      ['dashboard-client-id', 'dashboard-client-secret', 'read,write'],
    );
  } finally {
    await page.close();
  }
});

test("an expiry reads in the browser's time zone with how far away it is, the exact instant kept in the markup", async () => {
  await fake.control({ expiresInSeconds: 42 * 60 });
  await server.api('POST', '/integrations', { provider: 'fake-oauth2-cc', unique_key: 'times-cc' });
  const token = await server.createSession({ end_user: { id: 'times-user' } });
  const created = await fetch(`${server.url}/oauth2/auth/times-cc?connect_session_token=${token}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2' }),
  });
  const { connectionId } = await created.json();
  const page = await dashboardPage(`/dashboard/dev/connections/times-cc/${connectionId}`);
  try {
    await shot(page, 'connection');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Tokyo' });
    await page.reload();
    const expiry = page.locator('#credentials-expiry');
    const iso = await expiry.getAttribute('datetime');
    assert.equal(await expiry.getAttribute('title'), iso);
    assert.ok(Math.abs(Date.parse(iso) - Date.now() - 42 * 60_000) < 60_000, iso);
    const tokyo = new Date(Date.parse(iso) + 9 * 3_600_000);
    const clock = `${String(tokyo.getUTCHours()).padStart(2, '0')}:${String(tokyo.getUTCMinutes()).padStart(2, '0')}`;
    const text = await expiry.textContent();
    assert.ok(text.includes(clock) && text.includes('GMT+9') && /\(in 4[12] min\)$/.test(text), `${iso} shown as "${text}"`);
  } finally {
    await fake.control({ expiresInSeconds: 3600 });
    await page.close();
  }
});

test('provider logos stay icon-sized on the integration and the connection page', async () => {
  await server.api('POST', '/integrations', { provider: 'fake-apikey', unique_key: 'logo-check' });
  const connectionId = await connectApiKey('logo-check', 'logo-user');
  const page = await dashboardPage('/dashboard/dev/integrations/logo-check');
  const logoBox = async () => {
    const logo = page.locator('main img[src*="/template-logos/"]').first();
    await logo.evaluate((img) => img.decode());
    return logo.boundingBox();
  };
  try {
    const everyPageWithALogo = ['/dashboard/dev/integrations/logo-check', `/dashboard/dev/connections/logo-check/${connectionId}`,
      '/dashboard/dev/integrations', '/dashboard/dev/integrations/new?q=fake', '/dashboard/dev/connections'];
    for (const path of everyPageWithALogo) {
      await page.goto(`${server.url}${path}`);
      const box = await logoBox();
      assert.ok(box.width > 0 && box.width <= 64 && box.height <= 64, `${path}: logo is ${box.width}x${box.height}`);
    }
  } finally {
    await page.close();
  }
});

test('Settings reveals and copies the dev and prod secret keys, which work against the API, and shows the public keys', async () => {
  const page = await dashboardPage('/dashboard/dev/settings');
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const environmentOf = async (key) => {
    const response = await fetch(`${server.url}/environment`, { headers: { authorization: `Bearer ${key}` } });
    return response.ok ? (await response.json()).data.name : `refused ${response.status}`;
  };
  const publicKeys = [];
  try {
    for (const env of ['dev', 'prod']) {
      // The environment switcher keeps the section: dev's Settings leads to prod's.
      if (env === 'prod') await page.click('header a:text-is("prod")');
      assert.match(page.url(), new RegExp(`/dashboard/${env}/settings$`));
      const masked = (await page.textContent('#secret-key')).trim();
      assert.match(masked, /•/);

      // Copy works on the masked key (the script asks the server for it).
      await page.click('#copy-secret-key');
      await page.waitForFunction(() => document.getElementById('copy-secret-key').textContent === 'Copied');
      const copied = await page.evaluate(() => navigator.clipboard.readText());

      await page.click('#reveal-secret-key');
      const revealed = (await page.textContent('#secret-key')).trim();
      assert.equal(copied, revealed);
      assert.ok(revealed.startsWith(masked.slice(0, 10)) && revealed.endsWith(masked.slice(-4)), `${masked} vs ${revealed}`);
      assert.doesNotMatch(page.url(), new RegExp(revealed));
      assert.equal(await environmentOf(revealed), env);

      const publicKey = (await page.textContent('#public-key')).trim();
      assert.match(publicKey, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      publicKeys.push(publicKey);
      if (env === 'dev') assert.equal(revealed, server.secretKey);
    }
    assert.notEqual(publicKeys[0], publicKeys[1]);
    assert.ok(!server.logs.some((line) => line.includes(server.secretKey)), 'the secret key is in no log line');
  } finally {
    await page.close();
  }
});

test('rotating the secret key in Settings refuses the old key at once', async () => {
  const page = await dashboardPage('/dashboard/dev/settings');
  assert.doesNotMatch(await page.textContent('#secret-key'), new RegExp(server.secretKey));
  await shot(page, 'settings');
  assert.equal((await server.api('GET', '/environment')).status, 200);

  await page.click('#rotate-secret-key');
  const newKey = (await page.textContent('#new-secret-key')).trim();

  assert.notEqual(newKey, server.secretKey);
  assert.equal((await server.api('GET', '/environment')).status, 401);
  const withNew = await fetch(`${server.url}/environment`, { headers: { authorization: `Bearer ${newKey}` } });
  assert.equal(withNew.status, 200);
  await page.close();
});
