// Connect UI figures: gzipped size of the built JS+CSS, and the time from iframe creation (openConnectUI) to the
// `ready` event in headless Chromium on loopback, median of several runs.
// Usage: node bench/connect-ui/measure.mjs [runs]
// Build first: dotnet build Latchkey.slnx (builds web/connect-ui too) and npm run build in web/ (the SDK script);
// tests/compat must have its npm packages installed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser, servePages } from '../../tests/compat/harness/browser.mjs';
import { latchkeyFrontendScript } from '../../tests/compat/harness/bundles.mjs';
import { repoRoot, startServer } from '../../tests/compat/harness/processes.mjs';

const runs = Number(process.argv[2] ?? 20);
const build = join(repoRoot, 'src/Latchkey.Server/wwwroot/connect-ui');
const gz = (file) => gzipSync(readFileSync(join(build, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// Sizes: what an English user downloads (index.html's script and stylesheet), one more language, everything.
const index = readFileSync(join(build, 'index.html'), 'utf8');
const entry = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const assets = readdirSync(join(build, 'assets')).map((f) => `assets/${f}`);
const languages = assets.filter((f) => !entry.includes(f) && f.endsWith('.js'));
const entryGz = entry.reduce((sum, f) => sum + gz(f), 0);
const largestLanguage = Math.max(...languages.map(gz));
const allGz = assets.reduce((sum, f) => sum + gz(f), 0);
const allRaw = assets.reduce((sum, f) => sum + statSync(join(build, f)).size, 0);

// Time to ready.
const server = await startServer({ env: { Logging__LogLevel__Default: 'Warning' } });
const site = await servePages({
  '/': '<!doctype html><html><body><script src="/latchkey.js"></script></body></html>',
  '/latchkey.js': latchkeyFrontendScript(),
});
const browser = await launchBrowser();
const page = await browser.context.newPage();
await page.goto(site.origin + '/');
const token = await server.createSession({ end_user: { id: 'bench' } });
const times = [];
try {
  for (let i = 0; i < runs + 1; i++) {
    const elapsed = await page.evaluate(({ host, token }) => new Promise((resolve) => {
      const nango = new window.Nango({ host, connectSessionToken: token });
      const started = performance.now();
      const ui = nango.openConnectUI({
        baseURL: `${host}/connect-ui/`,
        apiURL: host,
        onEvent: (event) => {
          if (event.type !== 'ready') return;
          const time = performance.now() - started;
          setTimeout(() => { ui.close(); resolve(time); }, 50);
        },
      });
    }), { host: server.url, token });
    times.push(elapsed);
  }
} finally {
  await browser.close();
  await site.close();
  await server.stop();
}
const [cold, ...warm] = times;
const sorted = [...warm].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`Connect UI gzipped JS+CSS loaded for English: ${kb(entryGz)} (${entry.join(', ')})`);
console.log(`  + one other language chunk (largest): ${kb(largestLanguage)}; all ${assets.length} assets: ${kb(allGz)} gzipped, ${kb(allRaw)} raw`);
console.log(`Iframe creation → ready: median ${median.toFixed(1)} ms over ${warm.length} runs (min ${sorted[0].toFixed(1)}, max ${sorted.at(-1).toFixed(1)}); first (cold cache) ${cold.toFixed(1)} ms`);
