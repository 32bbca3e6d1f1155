// MFA in headless Chromium. An invited user sets a password, logs in for the first time, sets up an authenticator
// app on Account security (the test computes the codes from the key shown, as an app would: RFC 6238 with node's
// crypto), logs out and logs in again with password and code. Then a passkey with Chromium's virtual authenticator
// (DevTools protocol): registered on Account security, used as the second factor, and for a passwordless sign-in.
// The README's pictures of the app setup and the second step are refreshed with UPDATE_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshotPath } from './harness/browser.mjs';
import { axeViolations, dashboardPage, inviteAndJoin, logIn } from './harness/dashboard.mjs';
import { startServer } from './harness/processes.mjs';
import { totp } from './harness/totp.mjs';

const ADMIN = { email: 'ops@example.com', password: 'dashboard-mfa-password-1' };
const NEWCOMER = { email: 'dev@example.com', password: 'my own developer password' };
let server;
let browser;

before(async () => {
  // No LATCHKEY_SERVER_URL: the relying party is the host the browser uses, localhost for the passkey test (WebAuthn
  // refuses an IP address as the relying party's id).
  server = await startServer({ env: { LATCHKEY_ADMIN_EMAIL: ADMIN.email, LATCHKEY_ADMIN_PASSWORD: ADMIN.password, LATCHKEY_SERVER_URL: '' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** At the viewport of the README's other dashboard pictures. */
async function shot(page, name) {
  await page.waitForLoadState('networkidle');
  await page.setViewportSize({ width: 1100, height: 640 });
  await page.screenshot({ path: screenshotPath(`dashboard-${name}.png`) });
}

test('invitation, first login, authenticator app set up, then a login with password and code', async () => {
  const page = await dashboardPage(browser, server, ADMIN, '/dashboard/dev/users');
  await inviteAndJoin(page, server.url, NEWCOMER, 'developer');
  await logIn(page, server.url, NEWCOMER);
  assert.match(page.url(), /\/dashboard\/dev\/connections$/);

  // Account security: set up the app from the key on the page.
  await page.click('#account-security');
  await page.click('#totp-start button[type=submit]');
  const secret = await page.inputValue('#totp-secret');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.match(await page.inputValue('#totp-uri'), /^otpauth:\/\/totp\/Latchkey:dev%40example\.com\?secret=[A-Z2-7]{32}&issuer=Latchkey/);
  assert.equal(await page.locator('#totp-qr').count(), 1);
  assert.deepEqual(await axeViolations(page, 'account security, app setup'), []);
  await shot(page, 'mfa-setup');
  await page.fill('#totp-code', totp(secret, Date.now()));
  await page.click('#totp-confirm button[type=submit]');
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  assert.match(await page.textContent('.notice'), /authenticator app is set up/);
  await page.click('#log-out');

  // The password alone is not enough any more. The code of the next step: this step's was used for the setup.
  await logIn(page, server.url, NEWCOMER);
  assert.match(page.url(), /\/dashboard\/login\/mfa$/);
  assert.deepEqual(await axeViolations(page, 'second step'), []);
  await shot(page, 'mfa-login');
  const blocked = await page.goto(`${server.url}/dashboard/dev/connections`);
  assert.match(blocked.url(), /\/dashboard\/login/);
  await page.goto(`${server.url}/dashboard/login/mfa`);
  await page.fill('#code', totp(secret, Date.now() + 30_000));
  await page.click('#mfa-login button[type=submit]');
  assert.match(page.url(), /\/dashboard\/dev\/connections$/);
  assert.match(await page.textContent('.who'), /dev@example\.com \(developer\)/);
  await page.close();
});

test('a passkey from the virtual authenticator: registered, used as the second factor and to sign in without a password', async () => {
  const base = server.url.replace('127.0.0.1', 'localhost');
  const page = await browser.context.newPage();
  const devtools = await page.context().newCDPSession(page);
  await devtools.send('WebAuthn.enable');
  const { authenticatorId } = await devtools.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });

  await logIn(page, base, ADMIN);
  await page.goto(`${base}/dashboard/account/security`);
  await page.fill('#passkey-name', 'virtual laptop');
  await page.click('#passkey-new button[type=submit]');
  await Promise.all([page.waitForURL(`${base}/dashboard/account/security/passkeys`), page.click('#passkey-create-button')]);
  assert.match(await page.textContent('.notice'), /Passkey "virtual laptop" added/);
  assert.equal(await page.locator('#passkeys li').count(), 1);
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  const { credentials } = await devtools.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].rpId, 'localhost');
  await page.click('#log-out');

  // The second step with the passkey.
  await logIn(page, base, ADMIN);
  assert.match(page.url(), /\/dashboard\/login\/mfa$/);
  await Promise.all([page.waitForURL(/\/dashboard\/dev\/connections$/), page.click('#mfa-passkey-use')]);
  assert.match(await page.textContent('.who'), /ops@example\.com/);
  await page.click('#log-out');

  // Passwordless: the login page's passkey button.
  await page.click('#passkey-start button[type=submit]');
  await Promise.all([page.waitForURL(/\/dashboard\/dev\/connections$/), page.click('#passkey-use')]);
  assert.match(await page.textContent('.who'), /ops@example\.com/);

  await page.goto(`${base}/dashboard/dev/audit?actor=ops%40example.com`);
  const actions = await page.locator('#audit td[data-label=Action]').allTextContents();
  assert.deepEqual(actions.slice(0, 2), ['login.succeeded', 'logout']);
  assert.ok(actions.includes('mfa.enrolled'));
  await page.close();
});
