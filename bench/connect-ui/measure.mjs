// Connect UI figures: gzipped size of the built JS+CSS, and how long opening the UI takes in headless Chromium on
// loopback — cold (as a user first meets it) and warm (the same browser opening it again).
//
// Usage: node bench/connect-ui/measure.mjs [--cold N] [--warm M] [--lang xx]
//   --cold N   rounds of the cold open (default 5). Each round starts a fresh server on a fresh data folder, creates
//              two integrations and a session through the API (as the customer's backend would), launches Chromium
//              with a fresh profile (empty cache), loads the customer page, then opens the UI: the first request the
//              server ever gets for /connect-ui/.
//   --warm M   warm opens after the cold one in each round (default 10); reported over all rounds.
//   --lang xx  the `lang` the SDK passes (default: none, English), to measure a language chunk's cost.
//   --ui-dir A[,B]  serve these Connect UI builds (LATCHKEY_CONNECT_UI_DIR) instead of the server's own; with two or
//              more, rounds alternate between them and each is reported on its own (an A/B on a busy machine).
// Two instants per open, both from iframe creation (openConnectUI): `ready` (the UI's script ran and asked for its
// token) and `content` (the first screen after the spinner is in the DOM: token received, session and integrations
// read, rendered). Medians, since the machine is usually shared.
// Build first: dotnet build Latchkey.slnx (builds web/connect-ui too) and npm run build in web/ (the SDK script);
// tests/compat must have its npm packages installed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launchBrowser, servePages } from '../../tests/compat/harness/browser.mjs';
import { latchkeyFrontendScript } from '../../tests/compat/harness/bundles.mjs';
import { repoRoot, startServer } from '../../tests/compat/harness/processes.mjs';

const { values: options } = parseArgs({
  options: {
    cold: { type: 'string', default: '5' }, warm: { type: 'string', default: '10' }, lang: { type: 'string' }, 'ui-dir': { type: 'string' },
  },
});
const coldRounds = Number(options.cold);
const warmRuns = Number(options.warm);

const builds = options['ui-dir']?.split(',') ?? [join(repoRoot, 'src/Latchkey.Server/wwwroot/connect-ui')];
const build = builds[0];
const gz = (file) => gzipSync(readFileSync(join(build, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// Sizes: what an English user downloads (index.html's script and stylesheet), one more language, everything.
// Precompressed copies (.br, .gz) the build writes beside the assets are not assets of their own.
const index = readFileSync(join(build, 'index.html'), 'utf8');
const entry = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])
  .filter((file, i, all) => all.indexOf(file) === i);
const assets = readdirSync(join(build, 'assets')).filter((f) => /\.(js|css)$/.test(f)).map((f) => `assets/${f}`);
const languages = assets.filter((f) => !entry.includes(f) && f.endsWith('.js'));
const entryGz = entry.reduce((sum, f) => sum + gz(f), 0);
const largestLanguage = Math.max(...languages.map(gz));
const allGz = assets.reduce((sum, f) => sum + gz(f), 0);
const allRaw = assets.reduce((sum, f) => sum + statSync(join(build, f)).size, 0);

// Runs in every frame; in the Connect UI's it reports (by postMessage to the customer page) the wall-clock instant
// the first screen replaced the spinner, and the request timings of the page and its resources.
const contentProbe = () => {
  if (!location.pathname.includes('/connect-ui/') || window.parent === window) return;
  const report = () => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource').map((r) => ({
      name: r.name.replace(/^.*\/(?=[^/]+$)/, '').replace(/\?.*$/, ''),
      start: r.startTime, end: r.responseEnd, ttfb: r.responseStart - r.requestStart, encoded: r.encodedBodySize,
    }));
    window.parent.postMessage({
      type: '__bench_content',
      at: performance.timeOrigin + performance.now(),
      origin: performance.timeOrigin,
      navigation: navigation && { ttfb: navigation.responseStart - navigation.requestStart, end: navigation.responseEnd, domInteractive: navigation.domInteractive },
      resources,
    }, '*');
  };
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-screen]')) {
      observer.disconnect();
      report();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

// One open: iframe creation → ready, → content; resolves when both arrived, after closing the UI.
const openOnce = (page, host, token, lang) => page.evaluate(({ host, token, lang }) => new Promise((resolve, reject) => {
  const nango = new window.Nango({ host, connectSessionToken: token });
  const result = {};
  let ui;
  const finish = () => {
    if (result.ready === undefined || result.content === undefined) return;
    window.removeEventListener('message', onContent);
    setTimeout(() => { ui.close(); resolve(result); }, 50);
  };
  const onContent = (event) => {
    if (event.data?.type !== '__bench_content') return;
    result.content = event.data.at - (performance.timeOrigin + started);
    result.frameStart = event.data.origin - (performance.timeOrigin + started);
    result.navigation = event.data.navigation;
    result.resources = event.data.resources;
    finish();
  };
  window.addEventListener('message', onContent);
  setTimeout(() => reject(new Error(`no content after 15 s: ${JSON.stringify(result)}`)), 15_000);
  const started = performance.now();
  ui = nango.openConnectUI({
    baseURL: `${host}/connect-ui/`,
    apiURL: host,
    ...(lang ? { lang } : {}),
    onEvent: (event) => {
      if (event.type !== 'ready') return;
      result.ready = performance.now() - started;
      finish();
    },
  });
}), { host, token, lang });

const site = await servePages({
  '/': '<!doctype html><html><body><script src="/latchkey.js"></script></body></html>',
  '/latchkey.js': latchkeyFrontendScript(),
});
const results = builds.map(() => ({ cold: [], warm: [] }));
const encodings = new Map();
try {
  for (let round = 0; round < coldRounds * builds.length; round++) {
    const { cold, warm } = results[round % builds.length];
    const uiDir = options['ui-dir'] ? { LATCHKEY_CONNECT_UI_DIR: builds[round % builds.length] } : {};
    const server = await startServer({ env: { Logging__LogLevel__Default: 'Warning', ...uiDir } });
    const browser = await launchBrowser();
    try {
      for (const [provider, key] of [['zendesk-basic', 'bench-zendesk'], ['github-pat', 'bench-github']]) {
        const { status } = await server.api('POST', '/integrations', { provider, unique_key: key });
        if (status !== 200) throw new Error(`integration ${provider}: ${status}`);
      }
      const token = await server.createSession({ end_user: { id: 'bench' } });
      await browser.context.addInitScript(contentProbe);
      const page = await browser.context.newPage();
      page.on('response', (response) => {
        const path = new URL(response.url()).pathname;
        if (path.startsWith('/connect-ui/')) encodings.set(path.replace(/-[\w-]{8}\./, '-*.'), response.headers()['content-encoding'] ?? 'identity');
      });
      await page.goto(site.origin + '/');
      cold.push(await openOnce(page, server.url, token, options.lang));
      for (let i = 0; i < warmRuns; i++) warm.push(await openOnce(page, server.url, token, options.lang));
    } finally {
      await browser.close();
      await server.stop();
    }
  }
} finally {
  await site.close();
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;
const spread = (values) => `median ${ms(median(values))} (min ${ms(Math.min(...values))}, max ${ms(Math.max(...values))}, n=${values.length})`;

console.log(`Connect UI gzipped JS+CSS loaded for English: ${kb(entryGz)} (${entry.join(', ')})`);
console.log(`  + one other language chunk (largest): ${kb(largestLanguage)}; all ${assets.length} assets: ${kb(allGz)} gzipped, ${kb(allRaw)} raw`);
console.log(`Served encodings: ${[...encodings].map(([path, encoding]) => `${path} ${encoding}`).join(', ')}`);
for (const [index, { cold, warm }] of results.entries()) {
  for (const [name, runs] of [['Cold first open', cold], ['Warm open', warm]]) {
    if (runs.length === 0) continue;
    console.log(`${name}${options.lang ? ` (lang=${options.lang})` : ''}${builds.length > 1 ? ` of ${builds[index]}` : ''}:`);
    console.log(`  iframe creation → ready:   ${spread(runs.map((r) => r.ready))}`);
    console.log(`  iframe creation → content: ${spread(runs.map((r) => r.content))}`);
    // Where the time goes (medians, relative to iframe creation): the document, then each resource it loaded.
    const navigationTtfb = runs.map((r) => r.navigation?.ttfb ?? NaN).filter((v) => !Number.isNaN(v));
    const frameStart = runs.map((r) => r.frameStart);
    console.log(`  frame navigation starts at ${ms(median(frameStart))}; index.html time to first byte ${ms(median(navigationTtfb))}`);
    const names = [...new Set(runs.flatMap((r) => r.resources.map((x) => x.name)))];
    for (const resource of names) {
      const seen = runs.map((r) => [r.resources.find((x) => x.name === resource), r.frameStart]).filter(([x]) => x);
      const at = (pick) => ms(median(seen.map(([x, frameStart]) => pick(x) + frameStart)));
      console.log(`    ${resource.padEnd(28)} starts ${at((x) => x.start)}, ends ${at((x) => x.end)}, ttfb ${ms(median(seen.map(([x]) => x.ttfb)))}, ${median(seen.map(([x]) => x.encoded))} B encoded`);
    }
  }
}
