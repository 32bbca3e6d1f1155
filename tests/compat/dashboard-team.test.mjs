// Team features in headless Chromium: an admin invites a support user from the Users page, the invited person opens
// the link, chooses a password, logs in for the first time and sees only what support may use (the server refuses
// the rest with a 403 page); the admin then finds both in the Audit page. Screenshots for the README with
// UPDATE_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshotPath } from './harness/browser.mjs';
import { dashboardPage } from './harness/dashboard.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

const ADMIN = { email: 'ops@example.com', password: 'dashboard-team-password-1' };
const NEWCOMER = { email: 'support@example.com', password: 'my own support password' };
let fake;
let server;
let browser;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile, env: { LATCHKEY_ADMIN_EMAIL: ADMIN.email, LATCHKEY_ADMIN_PASSWORD: ADMIN.password } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
});

async function shot(page, name, fullPage = false) {
  await page.waitForLoadState('networkidle');
  await page.setViewportSize({ width: 1100, height: 640 });
  await page.screenshot({ path: screenshotPath(`dashboard-${name}.png`), fullPage });
}

test('an invited user sets a password, logs in for the first time, and gets only their role', async () => {
  const page = await dashboardPage(browser, server, ADMIN, '/dashboard/dev/users');

  // The admin invites: support in dev, no access to prod.
  await page.fill('#email', NEWCOMER.email);
  await page.selectOption('#invite-role-dev', 'support');
  await page.click('#invite button[type=submit]');
  const link = await page.inputValue('#invitation-link');
  assert.match(link, new RegExp(`^${server.url}/dashboard/invitation\\?token=[A-Za-z0-9_-]{43}$`));
  assert.match(await page.textContent(`tr[data-email="${NEWCOMER.email}"] .status`), /invited/);
  await shot(page, 'users', true);
  await page.click('#log-out');

  // The invited person opens the link and chooses a password.
  await page.goto(link);
  assert.equal(await page.textContent('#invited-email'), NEWCOMER.email);
  await page.fill('#password', NEWCOMER.password);
  await page.fill('#confirm', NEWCOMER.password);
  await shot(page, 'invitation');
  await page.click('button[type=submit]');
  assert.match(page.url(), /\/dashboard\/login\?joined=1$/);
  assert.match(await page.textContent('.notice'), /password is set/);

  // First login: the connections of dev, with only support's sections.
  await page.fill('input[name=email]', NEWCOMER.email);
  await page.fill('input[name=password]', NEWCOMER.password);
  await page.click('button[type=submit]');
  assert.match(page.url(), /\/dashboard\/dev\/connections$/);
  assert.match(await page.textContent('.who'), /support@example\.com \(support\)/);
  const sections = await page.locator('nav[aria-label=Sections] a').allTextContents();
  assert.deepEqual(sections, ['Connections', 'Logs', 'Webhooks', 'API reference']);

  // What support may not use is refused by the server, not just hidden.
  const settings = await page.goto(`${server.url}/dashboard/dev/settings`);
  assert.equal(settings.status(), 403);
  assert.match(await page.textContent('#forbidden'), /Your role in dev \(support\) does not allow you to see or change settings and keys/);
  const prod = await page.goto(`${server.url}/dashboard/prod/connections`);
  assert.equal(prod.status(), 403);
  await page.click('#log-out');

  // The link worked once.
  await page.goto(link);
  assert.match(await page.textContent('.problem'), /not valid any more/);

  // The admin sees the invitation, the joining and the first login in the audit trail.
  await page.goto(`${server.url}/dashboard/login`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await page.click('button[type=submit]');
  await page.goto(`${server.url}/dashboard/dev/audit?actor=support%40example.com`);
  const actions = await page.locator('#audit td[data-label=Action]').allTextContents();
  assert.deepEqual(actions, ['logout', 'login.succeeded', 'user.joined']);
  await page.goto(`${server.url}/dashboard/dev/audit`);
  await shot(page, 'audit');
  await page.close();
});
