// Helpers for the Connect UI suites: a customer page that opens the UI through an SDK, and handles on the iframe.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchBrowser, servePages } from './browser.mjs';
import { latchkeyFrontendScript, officialFrontendScript } from './bundles.mjs';

const require = createRequire(import.meta.url);

/** axe-core's browser script, injected into a frame to audit it. */
export const axeSource = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A customer site with both SDK builds: /latchkey (our window.Nango) and /official (@nangohq/frontend). */
export async function customerSite() {
  return servePages({
    '/latchkey': '<!doctype html><html lang="en"><head><title>Customer</title></head><body><h1>Customer app</h1><script src="/latchkey.js"></script></body></html>',
    '/official': '<!doctype html><html lang="en"><head><title>Customer</title></head><body><h1>Customer app</h1><script src="/official.js"></script></body></html>',
    '/latchkey.js': latchkeyFrontendScript(),
    '/official.js': await officialFrontendScript(),
  });
}

/**
 * Opens the Connect UI over a customer page with `openConnectUI`, as a customer would. Events reach
 * `window.uiEvents` in the page. Returns the page and a FrameLocator for the UI.
 */
export async function openConnectUI(browser, site, server, token, { sdk = 'latchkey', lang, theme, detectClosedAuthWindow } = {}) {
  const page = await browser.context.newPage();
  await page.goto(`${site.origin}/${sdk}`);
  await page.evaluate(({ sdk, host, token, lang, theme, detectClosedAuthWindow }) => {
    window.uiEvents = [];
    const Nango = sdk === 'official' ? window.NangoOfficial.default : window.Nango;
    const nango = new Nango({ host, connectSessionToken: token });
    window.ui = nango.openConnectUI({
      baseURL: `${host}/connect-ui/`,
      apiURL: host,
      ...(lang ? { lang } : {}),
      ...(theme ? { themeOverride: theme } : {}),
      ...(detectClosedAuthWindow ? { detectClosedAuthWindow: true } : {}),
      onEvent: (event) => window.uiEvents.push(event),
    });
  }, { sdk, host: server.url, token, lang, theme, detectClosedAuthWindow });
  return { page, ui: page.frameLocator('#connect-ui') };
}

/** Events the UI sent to the customer page so far. */
export const eventsOf = (page) => page.evaluate(() => window.uiEvents.map((e) => ({ type: e.type, payload: e.payload })));

/** Waits until the page received an event of that type; returns it. */
export async function waitForEvent(page, type, timeout = 15_000) {
  const handle = await page.waitForFunction((type) => window.uiEvents.find((e) => e.type === type), type, { timeout });
  return handle.jsonValue();
}

/** The iframe's Frame (for evaluate / axe). */
export async function uiFrame(page) {
  const element = await page.waitForSelector('#connect-ui');
  return element.contentFrame();
}

export { launchBrowser };
