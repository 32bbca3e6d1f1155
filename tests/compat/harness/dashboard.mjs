// Helpers for the dashboard suites: a logged-in page, a connection made as the Connect UI would, axe on a page.
import assert from 'node:assert/strict';
import { axeSource } from './connect-ui.mjs';

export const GOOD_KEY = 'fake_good_key_7f3a9c';

/** A new page, logged in to the dashboard as `admin`, at `path`. */
export async function dashboardPage(browser, server, admin, path) {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}${path}`);
  if (page.url().includes('/login')) {
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await page.click('button[type=submit]');
    await page.goto(`${server.url}${path}`);
  }
  return page;
}

/** Connects an end user to an API-key integration as the Connect UI would; resolves with the connection id. */
export async function connectApiKey(server, integrationKey, endUserId) {
  const token = await server.createSession({ end_user: { id: endUserId } });
  const response = await fetch(`${server.url}/api-auth/api-key/${integrationKey}?connect_session_token=${token}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: GOOD_KEY }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.connectionId;
}

/** Every axe-core violation on the page, of any impact, as "where: rule target…" lines. */
export async function axeViolations(page, where) {
  // Evaluated through the DevTools protocol, which the dashboard's script CSP does not govern.
  await page.evaluate(axeSource());
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Logs `user` in with their password on the login page of `base` (the server's URL, or another name for it). */
export async function logIn(page, base, user) {
  await page.goto(`${base}/dashboard/login`);
  await page.fill('input[name=email]', user.email);
  await page.fill('input[name=password]', user.password);
  await page.click('#email ~ button[type=submit]');
}

/**
 * The admin logged in on `page` invites `user` to dev as `role` and logs out; the user opens the invitation link and
 * chooses their password. The page is then on the login page, logged out.
 */
export async function inviteAndJoin(page, base, user, role) {
  await page.goto(`${base}/dashboard/dev/users`);
  await page.fill('#email', user.email);
  await page.selectOption('#invite-role-dev', role);
  await page.click('#invite button[type=submit]');
  const link = await page.inputValue('#invitation-link');
  await page.click('#log-out');
  await page.goto(link);
  await page.fill('#password', user.password);
  await page.fill('#confirm', user.password);
  await page.click('button[type=submit]');
  assert.match(page.url(), /\/dashboard\/login\?joined=1$/);
}
