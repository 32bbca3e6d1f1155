import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseLanguage, languages } from '../src/i18n';

// index.html's inline script preloads the language chunk before the app runs; it must pick what the app will load.
const source = readFileSync(join(process.cwd(), 'index.html'), 'utf8');
const script = /<script>(.*?)<\/script>/s.exec(source)?.[1] ?? '';
const chunks = Object.fromEntries(languages.filter((code) => code !== 'en').map((code) => [code, `./assets/${code}-hash.js`]));

/** Runs the script for a page URL and browser languages; returns the language chunk it preloaded, if any. */
function preloaded(search: string, browser: string[]): string | null {
  document.head.querySelectorAll('link[rel="modulepreload"]').forEach((link) => link.remove());
  const run = new Function('location', 'navigator', script.replace('/*language-chunks*/{}', JSON.stringify(chunks)));
  run({ search }, { languages: browser, language: browser[0] });
  const link = document.head.querySelector<HTMLLinkElement>('link[rel="modulepreload"]');
  return link ? /\/([a-z]{2})-hash\.js$/.exec(link.href)?.[1] ?? 'unknown' : null;
}

describe('index.html head script', () => {
  it('carries the marker the build replaces with the language chunks', () => {
    expect(script).toContain('/*language-chunks*/{}');
  });

  it.each([
    ['?lang=fr', ['de-DE']],
    ['?lang=pt-BR', []],
    ['', ['es-MX', 'fr']],
    ['', ['xx', 'ja']],
    ['?lang=xx', ['ko_KR']],
    ['', ['en-GB', 'fr']],
    ['?lang=en', ['de']],
    ['', ['xx']],
    ['', []],
  ])('search %j with browser languages %j: the app’s choice', (search, browser) => {
    const chosen = chooseLanguage(new URLSearchParams(search).get('lang'), browser);
    expect(preloaded(search, browser)).toBe(chosen === 'en' ? null : chosen);
  });
});
