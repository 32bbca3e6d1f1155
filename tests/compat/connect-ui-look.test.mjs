// How the Connect UI looks and reads: every language renders without a missing key (Arabic right to left), the
// theme follows the query parameter and the environment's colours, preview settings and string overrides apply, and
// the README's light and dark screenshots are taken here.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { customerSite, launchBrowser, openConnectUI, uiFrame, waitForEvent } from './harness/connect-ui.mjs';
import { screenshotPath, servePages } from './harness/browser.mjs';
import { repoRoot, startFakeWorld, startServer } from './harness/processes.mjs';

const languages = readdirSync(join(repoRoot, 'web/connect-ui/src/i18n')).filter((f) => /^[a-z]{2}\.ts$/.test(f)).map((f) => f.slice(0, 2));
let fake;
let server;
let browser;
let site;
const opened = [];

before(async () => {
  fake = await startFakeWorld();
  server = await startServer({ providersFile: fake.providersFile });
  for (const [provider, key] of [['fake-apikey', 'look-apikey'], ['fake-region', 'look-region'], ['fake-basic', 'look-basic'], ['zendesk-basic', 'look-zendesk']]) {
    assert.equal((await server.api('POST', '/integrations', { provider, unique_key: key })).status, 200);
  }
  site = await customerSite();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const other of opened) await other.close();
  await site?.close();
  await server?.stop();
  await fake?.stop();
});

test('at least 15 languages ship', () => {
  assert.ok(languages.length >= 15, languages.join(','));
  for (const required of ['en', 'fr', 'de', 'es', 'ja', 'pt', 'it', 'nl', 'zh', 'ko', 'ar']) assert.ok(languages.includes(required), required);
});

test('each language renders the list and the form with no raw key or placeholder left', async () => {
  const english = {};
  const token = await server.createSession({ end_user: { id: 'user-lang' } });
  for (const lang of ['en', ...languages.filter((l) => l !== 'en')]) {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${server.url}/connect-ui/?session_token=${token}&lang=${lang}`);
      await page.locator('[data-screen=list]').waitFor();
      await page.locator('button.integration').filter({ hasText: 'Fake Regional' }).click();
      await page.locator('[data-screen=form]').waitFor();
      await page.locator('button[type=submit]').click();
      await page.locator('.error').first().waitFor();
      const state = await page.evaluate(() => ({
        lang: document.documentElement.lang,
        dir: document.documentElement.dir,
        heading: document.querySelector('h1').textContent,
        submit: document.querySelector('button[type=submit]').textContent,
        text: document.body.innerText,
      }));
      assert.equal(state.lang, lang);
      assert.equal(state.dir, lang === 'ar' ? 'rtl' : 'ltr', lang);
      assert.doesNotMatch(state.text, /\{[a-z]+\}|\b(list|form|error|session|validation|success|field)\.[a-zA-Z_]+/, `${lang}: ${state.text}`);
      assert.match(state.heading, /Fake Regional/);
      if (lang === 'en') Object.assign(english, state);
      else assert.notEqual(state.submit, english.submit, `${lang} shows the English submit label`);
    } finally {
      await page.close();
    }
  }
});

test('provider fields read in the chosen language: catalog labels and descriptions translated, required-field messages whole', async () => {
  const expected = {
    fr: {
      labels: ['Adresse e-mail suivie de /token', 'Jeton d’API', 'Sous-domaine Zendesk'],
      descriptions: ['La partie de votre adresse Zendesk avant .zendesk.com', 'Votre e-mail de connexion Zendesk suivi de /token, par ex. jdoe@example.com/token'],
      required: 'Ce champ est obligatoire.',
    },
    ar: {
      labels: ['عنوان البريد الإلكتروني متبوعًا بـ /token', 'رمز API', 'النطاق الفرعي لـ Zendesk'],
      descriptions: ['جزء عنوان Zendesk الذي يسبق .zendesk.com'],
      required: 'هذا الحقل مطلوب.',
    },
    ja: {
      labels: ['メールアドレスの後に /token', 'API トークン', 'Zendesk のサブドメイン'],
      descriptions: ['Zendesk のアドレスのうち .zendesk.com より前の部分'],
      required: 'この項目は必須です。',
    },
  };
  const token = await server.createSession({ end_user: { id: 'user-lang' }, allowed_integrations: ['look-zendesk'] });
  for (const [lang, want] of Object.entries(expected)) {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${server.url}/connect-ui/?session_token=${token}&lang=${lang}`);
      await page.locator('[data-screen=form]').waitFor();
      await page.locator('button[type=submit]').click();
      await page.locator('.field .error').first().waitFor();
      const form = await page.evaluate(() => ({
        labels: [...document.querySelectorAll('.field label')].map((l) => l.textContent.trim()),
        descriptions: [...document.querySelectorAll('.field p.muted')].map((p) => p.textContent.trim()),
        errors: [...document.querySelectorAll('.field .error')].map((p) => p.textContent.trim()),
      }));
      assert.deepEqual(form.labels, want.labels, lang);
      for (const description of want.descriptions) assert.ok(form.descriptions.includes(description), `${lang}: ${JSON.stringify(form.descriptions)}`);
      assert.deepEqual(form.errors, want.labels.map(() => want.required), lang);
    } finally {
      await page.close();
    }
  }
});

test('Arabic mirrors the layout: the close button sits on the left', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await server.createSession({ end_user: { id: 'u' } }), { lang: 'ar' });
  try {
    const close = ui.getByRole('button', { name: 'إغلاق' });
    await close.waitFor();
    const dialog = await ui.getByRole('dialog').boundingBox();
    const box = await close.boundingBox();
    assert.ok(box.x < dialog.x + dialog.width / 2, `close at x=${box.x}, dialog ${dialog.x}+${dialog.width}`);
  } finally {
    await page.close();
  }
});

test('theme: the query parameter wins over the environment; the primary colour gets a readable text colour', async () => {
  const { page, ui } = await openConnectUI(browser, site, server, await server.createSession({ end_user: { id: 'u' } }), { theme: 'dark' });
  try {
    await ui.getByRole('button', { name: 'Fake API Key' }).waitFor();
    const frame = await uiFrame(page);
    const look = await frame.evaluate(() => ({
      theme: document.documentElement.getAttribute('data-theme'),
      background: getComputedStyle(document.querySelector('.dialog')).backgroundColor,
      primary: getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim(),
      onPrimary: getComputedStyle(document.documentElement).getPropertyValue('--color-on-primary').trim(),
      rootScheme: getComputedStyle(document.documentElement).colorScheme,
    }));
    assert.equal(look.theme, 'dark');
    assert.equal(look.background, 'rgb(17, 19, 24)');
    assert.equal(look.primary, 'rgb(37 99 235)'); // the environment default #2563EB
    assert.equal(look.onPrimary, '#ffffff');
    // A dark root scheme would make Chromium paint the iframe opaque over the customer's page.
    assert.equal(look.rootScheme, 'normal');
  } finally {
    await page.close();
  }
});

test('preview mode: settings_changed from the parent re-themes and overrides strings; nothing is submitted', async () => {
  const token = await server.createSession({ end_user: { id: 'u' }, allowed_integrations: ['look-apikey'] });
  const preview = await servePages({
    '/': `<!doctype html><html><body><iframe id="ui" title="preview" style="width:800px;height:700px" src="${server.url}/connect-ui/?apiURL=${encodeURIComponent(server.url)}&preview=true&lang=fr"></iframe>
<script>
window.addEventListener('message', (event) => {
  if (event.origin !== ${JSON.stringify(server.url)} || event.data?.type !== 'ready') return;
  const target = document.getElementById('ui').contentWindow;
  target.postMessage({ type: 'session_token', sessionToken: ${JSON.stringify(token)} }, ${JSON.stringify(server.url)});
  window.sendSettings = () => target.postMessage({ type: 'settings_changed', payload: {
    theme: { light: { primary: '#fde047' }, dark: { primary: '#fde047' } }, defaultTheme: 'light', showWatermark: true,
    strings: { fr: { 'form.submit': 'Lier mon compte' } } } }, ${JSON.stringify(server.url)});
});
</script></body></html>`,
  });
  const page = await browser.context.newPage();
  try {
    await page.goto(preview.origin + '/');
    const ui = page.frameLocator('#ui');
    await ui.getByRole('button', { name: 'Connecter', exact: true }).waitFor();
    await page.evaluate(() => window.sendSettings());
    await ui.getByRole('button', { name: 'Lier mon compte' }).waitFor();
    await ui.getByText('Sécurisé par Latchkey').waitFor();
    const frame = await (await page.$('#ui')).contentFrame();
    assert.equal(await frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--color-on-primary').trim()), '#000000');
    await ui.getByLabel('API Key').fill('fake_good_key_7f3a9c');
    await ui.getByRole('button', { name: 'Lier mon compte' }).click();
    await new Promise((r) => setTimeout(r, 500));
    const { body } = await server.api('GET', '/connections');
    assert.equal(body.connections.length, 0, 'preview must not create connections');
  } finally {
    await page.close();
    opened.push(preview); // closed after the browser: its keep-alive sockets would hold close() open
  }
});

test('light and dark screenshots for the README', async () => {
  for (const theme of ['light', 'dark']) {
    const token = await server.createSession({ end_user: { id: 'u' }, allowed_integrations: ['look-region'] });
    const { page, ui } = await openConnectUI(browser, site, server, token, { theme });
    try {
      await page.setViewportSize({ width: 760, height: 620 });
      await ui.getByLabel('API Key').fill('fake_good_key');
      await ui.locator('img.logo').first().evaluate((img) => img.complete || new Promise((r) => { img.onload = r; img.onerror = r; }));
      await ui.getByLabel('Region').focus();
      const path = screenshotPath(`connect-ui-${theme}.png`);
      await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
      assert.ok(statSync(path).size > 5000, `the ${theme} screenshot is empty`);
      await waitForEvent(page, 'ready');
    } finally {
      await page.close();
    }
  }
});
