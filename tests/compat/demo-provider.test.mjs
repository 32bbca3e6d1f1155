// The quickstart's browser part: the built-in demo provider (LATCHKEY_DEMO_PROVIDER=true) through a connect link in
// Chromium, with no fake world and no network: an API key typed into the Connect UI, then the OAuth 2 popup approved on
// the demo's consent page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser } from './harness/browser.mjs';
import { startServer } from './harness/processes.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ env: { LATCHKEY_DEMO_PROVIDER: 'true', LATCHKEY_OUTBOUND_ALLOW: '' } });
  assert.equal((await server.api('POST', '/integrations', { provider: 'latchkey-demo', unique_key: 'demo' })).status, 200);
  const oauth = await server.api('POST', '/integrations', {
    provider: 'latchkey-demo-oauth', unique_key: 'demo-oauth',
    credentials: { type: 'OAUTH2', client_id: 'latchkey-demo', client_secret: 'latchkey-demo-secret' },
  });
  assert.equal(oauth.status, 200, JSON.stringify(oauth.body));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function connectLink() {
  const { status, body } = await server.api('POST', '/connect/sessions', { end_user: { id: 'user-42' } });
  assert.equal(status, 201);
  return body.data.connect_link;
}

test('the demo API key connects through the Connect UI; another key is refused', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(await connectLink());
    await page.getByRole('button', { name: 'Latchkey demo (API key)' }).click();
    await page.getByText('Made up, never a real key').waitFor();
    await page.getByLabel('API key').fill('sk-my-real-key-0123456789');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('API key is not in the expected format.').waitFor(); // the catalog's pattern, before any request
    await page.getByLabel('API key').fill('demo_12345678');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    const { body } = await server.api('GET', '/connections');
    assert.ok(body.connections.some((c) => c.provider_config_key === 'demo'), JSON.stringify(body));
  } finally {
    await page.close();
  }
});

test('the demo OAuth 2 popup: Approve on its consent page connects, and the tokens are made up', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(await connectLink());
    await page.getByRole('button', { name: 'Latchkey demo (OAuth 2)' }).click();
    const popupOpened = page.context().waitForEvent('page');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const popup = await popupOpened;
    await popup.getByText('Demo provider · nothing here is real').waitFor();
    await popup.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Connected' }).waitFor({ timeout: 20_000 });

    const { body } = await server.api('GET', '/connections');
    const connection = body.connections.find((c) => c.provider_config_key === 'demo-oauth');
    const read = await server.api('GET', `/connections/${connection.connection_id}?provider_config_key=demo-oauth`);
    assert.match(read.body.credentials.access_token, /^demo_at_[0-9a-f]{32}$/);
  } finally {
    await page.close();
  }
});
