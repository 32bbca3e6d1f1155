// samples/Latchkey.Sample in headless Chromium, end to end: its page asks its backend (the .NET SDK) for a session
// token, opens the Connect UI with the browser SDK's script build, the user enters an API key, and the sample's
// connection page reads the connection back through the .NET SDK; the server's auth webhook reaches the sample's
// verified webhook route.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser } from './harness/browser.mjs';
import { freePort, repoRoot, startFakeWorld, startServer } from './harness/processes.mjs';

const GOOD_KEY = 'fake_good_key_7f3a9c';
const configuration = process.env.LATCHKEY_CONFIGURATION ?? 'Debug';
let fake;
let server;
let sample;
let browser;

async function startSample() {
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = spawn('dotnet', [join(repoRoot, `samples/Latchkey.Sample/bin/${configuration}/net10.0/Latchkey.Sample.dll`)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      ASPNETCORE_URLS: url,
      LATCHKEY_URL: server.url,
      LATCHKEY_SECRET_KEY: server.secretKey,
      SAMPLE_FRONTEND_SCRIPT: join(repoRoot, 'web/frontend/dist/latchkey-frontend.global.js'),
      Logging__LogLevel__Default: 'Warning',
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the sample did not start within 60 s');
    try {
      if ((await fetch(`${url}/config.js`)).ok) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => child.kill() };
}

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  const { status } = await server.api('POST', '/integrations', { provider: 'fake-apikey', unique_key: 'sample-apikey' });
  assert.equal(status, 200);
  sample = await startSample();
  // Auth webhooks go to the sample's route, signed with the environment's key (the sample's default signing key).
  const webhook = await server.api('PATCH', '/environment', { webhook: { primary_url: `${sample.url}/webhooks/latchkey`, on_auth_creation: true } });
  assert.equal(webhook.status, 200, JSON.stringify(webhook.body));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  sample?.stop();
  await server?.stop();
  await fake?.stop();
});

test('sample: session from its backend, Connect UI over its page, connection read back by the .NET SDK', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(sample.url);
    await page.getByRole('button', { name: 'Connect' }).click();
    const ui = page.frameLocator('#connect-ui');
    const listed = ui.getByRole('button', { name: 'Fake API Key' });
    const form = ui.getByLabel('API Key');
    await listed.or(form).first().waitFor({ timeout: 10_000 });
    if (await listed.isVisible()) await listed.click();
    await form.fill(GOOD_KEY);
    await ui.getByRole('button', { name: 'Connect', exact: true }).click();

    // On the connect event the sample's page goes to its connection page, which asks the sample's backend.
    await page.waitForURL(/\/connection\.html\?integration=sample-apikey&id=/);
    const field = (name) => page.locator(`[data-field="${name}"]`);
    await field('credentialType').waitFor();
    assert.equal(await field('credentialType').textContent(), 'API_KEY');
    assert.equal(await field('endUserId').textContent(), 'demo-user');
    assert.match(await field('maskedSecret').textContent(), /^fake…\(\d+ characters\)$/);
    assert.ok(!(await page.content()).includes(GOOD_KEY), 'the page never shows the key');

    const connectionId = new URL(page.url()).searchParams.get('id');
    const { body } = await server.api('GET', `/connections/${connectionId}?provider_config_key=sample-apikey`);
    assert.equal(body.credentials.apiKey, GOOD_KEY);
    assert.equal(body.end_user.id, 'demo-user');

    // The server's signed auth webhook reached the sample's MapLatchkeyWebhook route and was verified there.
    let received = [];
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && received.length === 0; await new Promise((r) => setTimeout(r, 250))) {
      received = (await (await fetch(`${sample.url}/api/webhooks`)).json()).filter((hook) => hook.connectionId === connectionId);
    }
    assert.equal(received.length, 1, 'one verified auth webhook for the new connection');
    assert.equal(received[0].operation, 'creation');
    assert.equal(received[0].success, true);
  } catch (error) {
    // SAMPLE_SCREENSHOT=/tmp/sample.png keeps a picture of the page as it failed.
    if (process.env.SAMPLE_SCREENSHOT) await page.screenshot({ path: process.env.SAMPLE_SCREENSHOT });
    throw error;
  } finally {
    await page.close();
  }
});
