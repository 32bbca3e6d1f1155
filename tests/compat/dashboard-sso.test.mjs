// Single sign-on to the dashboard in headless Chromium: "Sign in with Fake IdP" on the login page, the TestKit's
// OpenID Connect provider (on localhost: another site than the server on 127.0.0.1, as a real provider is) asks for
// an e-mail, and the browser lands on the dashboard as a new support user; a domain not allowed lands back on the
// login page saying so. The README's picture of the login page with its button is refreshed with UPDATE_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshotPath } from './harness/browser.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

let fake;
let server;
let browser;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({
    providersFile: fake.providersFile,
    env: {
      LATCHKEY_ADMIN_EMAIL: 'ops@example.com',
      LATCHKEY_ADMIN_PASSWORD: 'dashboard-sso-password-1',
      LATCHKEY_SSO_OIDC_AUTHORITY: fake.oidc.issuer,
      LATCHKEY_SSO_OIDC_CLIENT_ID: fake.oidc.clientId,
      LATCHKEY_SSO_OIDC_CLIENT_SECRET: fake.oidc.clientSecret,
      LATCHKEY_SSO_OIDC_DISPLAY_NAME: 'Fake IdP',
      LATCHKEY_SSO_ALLOWED_DOMAINS: 'example.com',
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
});

async function signIn(page, email, screenshot) {
  await page.goto(`${server.url}/dashboard/login`);
  assert.equal((await page.textContent('#sso')).trim(), 'Sign in with Fake IdP');
  if (screenshot) {
    // At the viewport of the README's other dashboard pictures.
    await page.setViewportSize({ width: 1100, height: 640 });
    await page.screenshot({ path: screenshotPath(screenshot) });
  }
  await page.click('#sso');
  await page.waitForURL(`${fake.oidc.issuer}/authorize?**`);
  await page.fill('#login-email', email);
  await page.click('#approve');
}

test('Sign in with the identity provider lands on the dashboard as a new support user', async () => {
  const page = await browser.context.newPage();
  await signIn(page, 'chromium@example.com', 'dashboard-sso-login.png');

  await page.waitForURL(`${server.url}/dashboard/dev/connections`);
  assert.match(await page.textContent('.who'), /chromium@example\.com \(support\)/);
  const sections = await page.locator('nav[aria-label=Sections] a').allTextContents();
  assert.deepEqual(sections, ['Connections', 'Logs', 'Webhooks', 'API reference']);

  // A real session: logging out ends it, and the dashboard asks for a login again.
  await page.click('#log-out');
  await page.goto(`${server.url}/dashboard/dev/connections`);
  assert.match(page.url(), /\/dashboard\/login/);
  assert.ok(!server.logs.some((line) => line.includes(fake.oidc.clientSecret)), 'the client secret was logged');
  await page.close();
});

test('an e-mail domain that is not allowed lands on the login page with the reason', async () => {
  const page = await browser.context.newPage();
  await signIn(page, 'visitor@elsewhere.test');

  await page.waitForURL(`${server.url}/dashboard/login?sso=domain`);
  assert.match(await page.textContent('.problem'), /not open to your e-mail domain/);
  await page.close();
});
