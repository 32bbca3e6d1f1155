// Time of one full OAuth 2 round trip on loopback, as a customer's page sees it: from the click that calls
// nango.auth() (official @nangohq/frontend) to the resolved promise — popup, WebSocket ack, /oauth/connect,
// provider authorize, callback, token exchange, save, WebSocket outcome. Runs the built server and fake provider.
// Usage: node bench/oauth-roundtrip/measure.mjs [rounds]   (build first: dotnet build Latchkey.slnx -c Release,
// then LATCHKEY_CONFIGURATION=Release; tests/compat must have its npm packages installed)
import { launchBrowser, servePages } from '../../tests/compat/harness/browser.mjs';
import { officialFrontendScript } from '../../tests/compat/harness/bundles.mjs';
import { startFakeWorld, startServer } from '../../tests/compat/harness/processes.mjs';

const rounds = Number(process.argv[2] ?? 30);
const fake = await startFakeWorld();
const server = await startServer({ providersFile: fake.providersFile, env: { Logging__LogLevel__Default: 'Warning' } });
await server.api('POST', '/integrations', {
  provider: 'fake-oauth2', unique_key: 'bench-oauth',
  credentials: { type: 'OAUTH2', client_id: 'fake-client-id', client_secret: 'fake-client-secret-91d2', scopes: 'read' },
});
const pages = await servePages({
  '/': '<!doctype html><html><body><button id="go">Connect</button><script src="/nango.js"></script></body></html>',
  '/nango.js': await officialFrontendScript(),
});
const browser = await launchBrowser();
const page = await browser.context.newPage();
await page.goto(pages.origin + '/');

const times = [];
try {
  for (let i = 0; i < rounds + 3; i++) {
    const token = await server.createSession({ end_user: { id: `bench-${i}` } });
    await page.evaluate(({ host, token }) => {
      window.outcome = new Promise((resolve) => {
        document.getElementById('go').addEventListener('click', () => {
          const started = performance.now();
          new window.NangoOfficial.default({ host, connectSessionToken: token }).auth('bench-oauth')
            .then(() => resolve(performance.now() - started), (error) => resolve(`error ${error.type}`));
        }, { once: true });
      });
    }, { host: server.url, token });
    await page.click('#go');
    const elapsed = await page.evaluate(() => window.outcome);
    if (typeof elapsed !== 'number') throw new Error(String(elapsed));
    if (i >= 3) times.push(elapsed); // the first rounds warm the JIT and connection pools
    await page.waitForTimeout(600); // the SDK closes its popup 500 ms after the outcome
  }
} finally {
  await browser.close();
  await pages.close();
  await server.stop();
  await fake.stop();
}

times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`OAuth 2 round trip (SDK call → resolved promise), ${times.length} rounds on loopback:`);
console.log(`  median ${at(0.5).toFixed(1)} ms · p95 ${at(0.95).toFixed(1)} ms · min ${times[0].toFixed(1)} ms · max ${times.at(-1).toFixed(1)} ms`);
