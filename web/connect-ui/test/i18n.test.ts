import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../src/i18n/en';
import { chooseLanguage, isRightToLeft, languages, loadMessages, translator } from '../src/i18n';

const files = readdirSync(join(process.cwd(), 'src/i18n')).filter((f) => /^[a-z]{2}\.ts$/.test(f));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('languages', () => {
  it('ships at least 15, one file each, all discovered', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(languages).toEqual(files.map((f) => f.slice(0, 2)).sort());
  });

  // The validation messages sit under the field they are about and do not name it: the label may be a catalog text
  // left in English, and in most languages a bare label inside a sentence is not grammatical anyway.
  const labelFree = new Set(['validation.required', 'validation.pattern']);

  it.each(files.map((f) => f.slice(0, 2)).filter((l) => l !== 'en'))('%s has exactly the English keys, each translated, same placeholders', async (lang) => {
    const messages = await loadMessages(lang);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const translated = (messages as Record<string, string>)[key]!;
      expect(translated.trim(), `${lang} ${key}`).not.toBe('');
      expect(placeholders(translated), `${lang} ${key}`).toEqual(labelFree.has(key) ? [] : placeholders(text));
    }
  });

  it('chooses the lang parameter, else the browser language, else English', () => {
    expect(chooseLanguage('fr', ['de-DE'])).toBe('fr');
    expect(chooseLanguage('xx', ['pt-BR', 'en'])).toBe('pt');
    expect(chooseLanguage(null, ['zh_CN'])).toBe('zh');
    expect(chooseLanguage(null, ['xx-YY'])).toBe('en');
    expect(isRightToLeft('ar')).toBe(true);
    expect(isRightToLeft('fr')).toBe(false);
  });

  it('fills placeholders, formats numbers with Intl, and lets environment overrides win', async () => {
    const de = await loadMessages('de');
    const t = translator('de', de, { de: { 'form.submit': 'Jetzt verbinden' } });
    expect(t('form.submit')).toBe('Jetzt verbinden');
    expect(t('form.title', { provider: 'GitHub' })).toBe('GitHub verbinden');
    expect(t('list.count', { count: 1234 })).toBe('Verfügbare Integrationen: 1.234');
    expect(t.date(new Date(Date.UTC(2026, 0, 2, 12)))).toMatch(/2026/);
    expect(translator('en', en, { fr: { 'form.submit': 'x' } })('form.submit')).toBe('Connect');
  });
});
