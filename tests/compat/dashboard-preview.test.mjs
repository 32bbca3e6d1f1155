// The settings page's Connect UI preview (issue 19): the real Connect UI in an iframe, in preview mode, re-themed live
// through `settings_changed` as colours and theme are edited, before anything is saved; the preview itself sends
// nothing to the API. The README's picture of it is docs/images/dashboard-preview.png (UPDATE_SCREENSHOTS=1).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshotPath } from './harness/browser.mjs';
import { dashboardPage } from './harness/dashboard.mjs';
import { startServer } from './harness/processes.mjs';

const ADMIN = { email: 'ops@example.com', password: 'dashboard-preview-password-1' };
let server;
let browser;

before(async () => {
  server = await startServer({ env: { LATCHKEY_ADMIN_EMAIL: ADMIN.email, LATCHKEY_ADMIN_PASSWORD: ADMIN.password } });
  const saved = await server.api('PATCH', '/environment', {
    connect_ui: { theme: { light: { primary: '#0f766e' }, dark: { primary: '#0f766e' } }, default_theme: 'light', show_watermark: false,
      strings: { en: { 'form.submit': 'Link account' } } },
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const savedConnectUi = async () => (await server.api('GET', '/environment')).body.data.connect_ui;

/** The preview's look: its theme, the Connect button's colours, whether the watermark shows. */
const lookOf = (frame) => frame.evaluate(() => {
  const button = document.querySelector('button[type=submit]');
  return {
    theme: document.documentElement.getAttribute('data-theme'),
    button: button && getComputedStyle(button).backgroundColor,
    onButton: button && getComputedStyle(button).color,
    watermark: Boolean(document.querySelector('.watermark')),
  };
});

/** Waits until the preview looks like `expected` (the message crosses frames asynchronously). */
async function waitForLook(frame, expected) {
  let look;
  for (let i = 0; i < 100; i++) {
    look = await lookOf(frame);
    if (Object.entries(expected).every(([key, value]) => look[key] === value)) return look;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`the preview never looked like ${JSON.stringify(expected)}; last ${JSON.stringify(look)}`);
}

test('the preview follows unsaved colour, theme and watermark edits; saving is still the form’s job', async () => {
  const requests = [];
  const violations = [];
  const page = await dashboardPage(browser, server, ADMIN, '/dashboard/dev/settings');
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  page.on('console', (message) => { if (/Content Security Policy|Refused/i.test(message.text())) violations.push(message.text()); });
  try {
    await page.setViewportSize({ width: 1100, height: 1400 });
    await page.reload(); // with the listeners above in place from the first request
    const frame = await (await page.waitForSelector('iframe#connect-ui-preview')).contentFrame();
    await frame.getByRole('button', { name: 'Link account' }).waitFor(); // the saved string override reached it
    assert.equal(await frame.evaluate(() => document.documentElement.hasAttribute('data-embedded')), true);
    // The saved settings, sent as the page opened.
    await waitForLook(frame, { theme: 'light', button: 'rgb(15, 118, 110)', onButton: 'rgb(255, 255, 255)', watermark: false });

    await page.fill('#light_primary', '#fde047');
    await waitForLook(frame, { theme: 'light', button: 'rgb(253, 224, 71)', onButton: 'rgb(0, 0, 0)' });
    await page.fill('#dark_primary', 'rgb(220, 38, 38)');
    await page.selectOption('#default_theme', 'dark');
    await waitForLook(frame, { theme: 'dark', button: 'rgb(220, 38, 38)', onButton: 'rgb(255, 255, 255)' });
    await page.check('input[name=show_watermark]');
    await waitForLook(frame, { watermark: true });

    // Nothing saved yet.
    const before = await savedConnectUi();
    assert.deepEqual([before.theme.light.primary, before.theme.dark.primary, before.default_theme, before.show_watermark], ['#0f766e', '#0f766e', 'light', false]);

    // The preview submits nothing: a Connect click in it reaches no API.
    await frame.getByLabel('API Key').fill('anything');
    await frame.getByRole('button', { name: 'Link account' }).click();
    await new Promise((r) => setTimeout(r, 300));
    const api = requests.filter((path) => /^\/(api-auth|auth|connect|integrations|providers|oauth)\b/.test(path) && !path.startsWith('/connect-ui/'));
    assert.deepEqual(api, []);

    await page.locator('#preview-hint').scrollIntoViewIfNeeded();
    await page.locator('iframe#connect-ui-preview').screenshot({ path: screenshotPath('dashboard-preview.png') });

    await page.click('#settings-form button[type=submit]');
    await page.waitForURL(/done=Settings/);
    const after = await savedConnectUi();
    assert.deepEqual([after.theme.light.primary, after.theme.dark.primary, after.default_theme, after.show_watermark], ['#fde047', 'rgb(220, 38, 38)', 'dark', true]);
    assert.deepEqual(after.strings, { en: { 'form.submit': 'Link account' } }, 'the form keeps the string overrides it does not edit');
    // The page after saving previews what is now saved.
    const saved = await (await page.waitForSelector('iframe#connect-ui-preview')).contentFrame();
    await waitForLook(saved, { theme: 'dark', button: 'rgb(220, 38, 38)', watermark: true });
    assert.deepEqual(violations, []);
  } finally {
    await page.close();
  }
});
