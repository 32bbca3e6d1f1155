// Every dashboard page on a 360 px phone and on a desktop screen, in headless Chromium: nothing wider than the screen,
// Log out and Delete within reach, and axe-core finds no accessibility violation of any impact.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshotPath } from './harness/browser.mjs';
import { axeViolations, connectApiKey, dashboardPage } from './harness/dashboard.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const ADMIN = { email: 'ops@example.com', password: 'dashboard-layout-password-1' };
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
let fake;
let server;
let browser;
let receiver;
let connectionId;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({
    providersFile: fake.providersFile,
    env: { LATCHKEY_ADMIN_EMAIL: ADMIN.email, LATCHKEY_ADMIN_PASSWORD: ADMIN.password, LATCHKEY_WEBHOOK_POLL_MS: '100' },
  });
  receiver = createServer((request, response) => response.writeHead(200).end('ok'));
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  browser = await launchBrowser();

  // Something on every page: an integration of each kind, a connection (so a log line), a webhook delivery.
  await server.api('PATCH', '/environment', { webhook: { primary_url: `http://127.0.0.1:${receiver.address().port}/hooks` } });
  await server.api('POST', '/integrations', { provider: 'fake-apikey', unique_key: 'a-rather-long-integration-key-for-small-screens' });
  await server.api('POST', '/integrations', {
    provider: 'fake-oauth2', unique_key: 'fake-oauth2', credentials: { type: 'OAUTH2', client_id: 'client-id-that-is-quite-long-0123456789', client_secret: 's' },
  });
  connectionId = await connectApiKey(server, 'a-rather-long-integration-key-for-small-screens', 'end-user-with-a-long-identifier-42');
  for (let i = 0; i < 50 && (await server.api('GET', '/logs')).body?.data?.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (receiver ? receiver.close(r) : r()));
  await server?.stop();
  await fake?.stop();
});

/**
 * Each page as a user reaches it: `open` navigates (some pages are the answer to a form), `deletes` names the page's
 * Delete button when it has one.
 */
const pages = [
  { name: 'login', open: (page) => page.goto(`${server.url}/dashboard/login`), hasHeader: false },
  { name: 'connections', open: (page) => page.goto(`${server.url}/dashboard/dev/connections`) },
  { name: 'connection', open: (page) => page.goto(`${server.url}/dashboard/dev/connections/a-rather-long-integration-key-for-small-screens/${connectionId}`), deletes: '#delete-connection' },
  {
    name: 'connection with credentials',
    open: async (page) => {
      await page.goto(`${server.url}/dashboard/dev/connections/a-rather-long-integration-key-for-small-screens/${connectionId}`);
      await page.click('text=Reveal credentials');
    },
  },
  { name: 'share', open: (page) => page.goto(`${server.url}/dashboard/dev/connections/share`) },
  {
    name: 'share with a link',
    open: async (page) => {
      await page.goto(`${server.url}/dashboard/dev/connections/share`);
      await page.fill('#end_user_id', 'someone');
      await page.click('#create-link');
      await page.waitForSelector('#connect-link');
    },
  },
  { name: 'integrations', open: (page) => page.goto(`${server.url}/dashboard/dev/integrations`), deletes: 'table button.danger' },
  { name: 'catalog', open: (page) => page.goto(`${server.url}/dashboard/dev/integrations/new?q=fake`) },
  { name: 'new integration', open: (page) => page.goto(`${server.url}/dashboard/dev/integrations/new/fake-oauth2`) },
  {
    name: 'new integration refused',
    open: async (page) => {
      await page.goto(`${server.url}/dashboard/dev/integrations/new/fake-oauth2`);
      await page.fill('#unique_key', 'fake-oauth2');
      await page.fill('#client_id', 'x');
      await page.fill('#client_secret', 'y');
      await page.click('#create-integration');
      await page.waitForSelector('#unique_key-error');
    },
  },
  { name: 'integration', open: (page) => page.goto(`${server.url}/dashboard/dev/integrations/fake-oauth2`), deletes: '#delete-integration' },
  { name: 'logs', open: (page) => page.goto(`${server.url}/dashboard/dev/logs`) },
  { name: 'webhooks', open: (page) => page.goto(`${server.url}/dashboard/dev/webhooks`) },
  { name: 'settings', open: (page) => page.goto(`${server.url}/dashboard/dev/settings`) },
  {
    name: 'settings revealed',
    open: async (page) => {
      await page.goto(`${server.url}/dashboard/prod/settings`);
      await page.click('#reveal-secret-key');
    },
  },
  { name: 'users', open: (page) => page.goto(`${server.url}/dashboard/dev/users`) },
  {
    name: 'users with an invitation link',
    open: async (page) => {
      await page.goto(`${server.url}/dashboard/dev/users`);
      await page.fill('#email', `someone-with-a-long-address-${(invited += 1)}@customer-support.example.com`);
      await page.selectOption('#invite-role-dev', 'developer');
      await page.click('#invite button[type=submit]');
      await page.waitForSelector('#invitation-link');
    },
  },
  { name: 'audit', open: (page) => page.goto(`${server.url}/dashboard/dev/audit`) },
];
let invited = 0;

/** Visible, inside the screen's width once scrolled to, and the target of a click there (Playwright's trial click). */
async function assertReachable(page, selector, where) {
  const element = page.locator(selector).first();
  await element.scrollIntoViewIfNeeded();
  const box = await element.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${where}: ${selector} is at ${JSON.stringify(box)}`);
  await element.click({ trial: true, timeout: 2000 });
}

test('every dashboard page fits a 360 px screen, with Log out and Delete within reach', async () => {
  const page = await dashboardPage(browser, server, ADMIN, '/dashboard/dev/connections');
  await page.setViewportSize(PHONE);
  const problems = [];
  try {
    for (const { name, open, deletes, hasHeader = true } of pages) {
      await open(page);
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > PHONE.width) problems.push(`${name}: ${width} px wide`);
      if (hasHeader) await assertReachable(page, '#log-out', name);
      if (deletes) await assertReachable(page, deletes, name);
      await page.evaluate(() => window.scrollTo(0, 0));
      if (name === 'integrations') await page.screenshot({ path: screenshotPath('dashboard-phone.png') });
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

for (const [screen, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`axe-core finds no violation on any dashboard page (${screen})`, async () => {
    const page = await dashboardPage(browser, server, ADMIN, '/dashboard/dev/connections');
    await page.setViewportSize(viewport);
    const violations = [];
    try {
      for (const { name, open } of pages) {
        await open(page);
        await page.waitForLoadState('networkidle');
        violations.push(...await axeViolations(page, name));
      }
      assert.deepEqual(violations, []);
    } finally {
      await page.close();
    }
  });
}

test('the dashboard is usable from the keyboard: a skip link first, then the sections, each focus visible', async () => {
  const page = await dashboardPage(browser, server, ADMIN, '/dashboard/dev/integrations');
  try {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Add an integration');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
  } finally {
    await page.close();
  }
});
