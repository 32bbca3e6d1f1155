// Headless Chromium from Debian, driven by playwright-core (never a downloaded browser), and a static server for
// the test pages, on its own origin so every API call the page makes is a real cross-origin request.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const chromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * Launches Chromium with a fresh profile folder (DESIGN.md "Browser tests"). `popupBlocker: true` keeps Chromium's
 * own popup blocker on (Playwright turns it off by default), for tests of what a blocked popup does. `device` takes
 * Playwright's emulation options (viewport, hasTouch, isMobile, userAgent, deviceScaleFactor) for a phone.
 */
export async function launchBrowser({ popupBlocker = false, device = {} } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumFlags,
    ...(popupBlocker ? { ignoreDefaultArgs: ['--disable-popup-blocking'] } : {}),
    ...device,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Serves in-memory files (path → text) on 127.0.0.1; resolves with its origin. */
export function servePages(files) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    const body = files[path];
    if (body === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'text/html' }).end(body);
  });
  return new Promise((resolveServer) => {
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolveServer({ origin, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * Where a test saves a screenshot: the README's docs/images when UPDATE_SCREENSHOTS=1 (to refresh them on purpose),
 * otherwise a temporary folder, so a test run never rewrites committed files.
 */
export function screenshotPath(name) {
  const folder = process.env.UPDATE_SCREENSHOTS === '1'
    ? join(fileURLToPath(new URL('../../..', import.meta.url)), 'docs/images')
    : (screenshotFolder ??= mkdtempSync(join(tmpdir(), 'latchkey-screenshots-')));
  return join(folder, name);
}

let screenshotFolder;
