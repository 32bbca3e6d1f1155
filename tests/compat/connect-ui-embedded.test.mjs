// The compact embedded layout (issue 19): a product mounts the Connect UI in its own 360 px panel with
// `openConnectUI({ container })`. No backdrop, nothing wider than the panel, and the same events as full-screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { customerSite, launchBrowser, waitForEvent } from './harness/connect-ui.mjs';
import { GOOD_KEY } from './harness/dashboard.mjs';
import { startFakeWorld, startServer } from './harness/processes.mjs';

let fake;
let server;
let browser;
let site;

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  assert.equal((await server.api('POST', '/integrations', { provider: 'fake-apikey', unique_key: 'panel-apikey' })).status, 200);
  site = await customerSite();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
  await fake?.stop();
});

/** The customer page with a 360 × 600 px panel, the UI opened into it through our SDK. */
async function openInPanel(token, width = 360) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.goto(`${site.origin}/latchkey`);
  await page.evaluate(({ host, token, width }) => {
    const panel = document.createElement('aside');
    panel.id = 'panel';
    panel.style.cssText = `width:${width}px;height:600px;margin:20px;border:1px solid #ccc`;
    document.body.appendChild(panel);
    window.uiEvents = [];
    const nango = new window.Nango({ host, connectSessionToken: token });
    window.ui = nango.openConnectUI({ container: panel, onEvent: (event) => window.uiEvents.push(event) });
  }, { host: server.url, token, width });
  const element = await page.waitForSelector('#panel > iframe#connect-ui');
  return { page, ui: page.frameLocator('#panel > iframe'), frame: await element.contentFrame() };
}

/** What the layout looks like inside the frame: its width against what it scrolls, and the backdrop's paint. */
const layoutOf = (frame) => frame.evaluate(() => {
  const root = document.documentElement;
  const dialog = document.querySelector('.dialog').getBoundingClientRect();
  return {
    embedded: root.hasAttribute('data-embedded'),
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    widest: Math.max(...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right)),
    backdrop: getComputedStyle(document.querySelector('.backdrop')).backgroundColor,
    dialogWidth: dialog.width,
    shadow: getComputedStyle(document.querySelector('.dialog')).boxShadow,
  };
});

test('embedded at 360 px: no backdrop, no horizontal scroll, and an API-key connection emits connect', async () => {
  const token = await server.createSession({ end_user: { id: 'panel-user' }, allowed_integrations: ['panel-apikey'] });
  const { page, ui, frame } = await openInPanel(token);
  try {
    const pageOverflow = await page.evaluate(() => document.body.style.overflow);
    assert.equal(pageOverflow, '', 'the product page keeps its scrolling');
    await waitForEvent(page, 'ready');
    await ui.getByLabel('API Key').waitFor();
    const form = await layoutOf(frame);
    assert.equal(form.embedded, true);
    assert.equal(form.clientWidth, 360);
    assert.ok(form.scrollWidth <= form.clientWidth, `form: scrollWidth ${form.scrollWidth} > clientWidth ${form.clientWidth}`);
    assert.ok(form.widest <= form.clientWidth, `form: something reaches ${form.widest} px`);
    assert.equal(form.backdrop, 'rgba(0, 0, 0, 0)', 'no overlay in a panel');
    assert.equal(form.shadow, 'none');
    assert.equal(form.dialogWidth, 360, 'the dialog fills the panel');

    await ui.getByLabel('API Key').fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const connect = await waitForEvent(page, 'connect');
    assert.equal(connect.payload.providerConfigKey, 'panel-apikey');
    assert.ok(connect.payload.connectionId);
    const success = await layoutOf(frame);
    assert.ok(success.scrollWidth <= success.clientWidth, `success: scrollWidth ${success.scrollWidth} > clientWidth ${success.clientWidth}`);

    const { body } = await server.api('GET', '/connections');
    assert.deepEqual(body.connections.map((c) => c.connection_id), [connect.payload.connectionId]);

    // Finish sends close: the SDK takes the iframe out of the panel, the panel itself stays.
    await ui.getByRole('button', { name: 'Finish' }).click();
    await waitForEvent(page, 'close');
    assert.equal(await page.evaluate(() => document.querySelector('#panel')?.children.length), 0);
  } finally {
    await page.close();
  }
});

test('embedded at 320 px: the list and a failed attempt fit too, and the failure emits error', async () => {
  assert.equal((await server.api('POST', '/integrations', { provider: 'fake-basic', unique_key: 'panel-basic-with-a-long-key' })).status, 200);
  const token = await server.createSession({ end_user: { id: 'panel-user-2' } });
  const { page, ui, frame } = await openInPanel(token, 320);
  try {
    await ui.locator('[data-screen=list]').waitFor();
    const list = await layoutOf(frame);
    assert.ok(list.scrollWidth <= list.clientWidth && list.widest <= list.clientWidth, `list: ${JSON.stringify(list)}`);
    await ui.locator('button.integration[data-key=panel-apikey]').click();
    await ui.getByLabel('API Key').fill('fake_bad_key');
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();
    const error = await waitForEvent(page, 'error');
    assert.equal(error.payload.errorType, 'connection_test_failed');
    await ui.locator('[data-screen=failure]').waitFor();
    const failure = await layoutOf(frame);
    assert.ok(failure.scrollWidth <= failure.clientWidth && failure.widest <= failure.clientWidth, `failure: ${JSON.stringify(failure)}`);
  } finally {
    await page.close();
  }
});
