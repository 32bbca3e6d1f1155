// Languages: one file per language in this folder, loaded on demand (only English ships in the main bundle).
// Adding a language = adding `<code>.ts` with every key of en.ts; the glob below picks it up.
import en, { type MessageKey, type Messages } from './en';

export type { MessageKey, Messages };

const loaders = import.meta.glob<{ default: Messages }>(['./*.ts', '!./en.ts', '!./index.ts']);

export const languages: string[] = ['en', ...Object.keys(loaders).map((path) => path.slice(2, -3))].sort();

const rightToLeft = new Set(['ar', 'he', 'fa', 'ur']);

export function isRightToLeft(language: string): boolean {
  return rightToLeft.has(language);
}

/** `lang` parameter, else the browser's languages (first subtag), else English. */
export function chooseLanguage(param: string | null, browser: readonly string[]): string {
  for (const candidate of [param, ...browser]) {
    const code = candidate?.toLowerCase().split(/[-_]/)[0];
    if (code && languages.includes(code)) return code;
  }
  return 'en';
}

export async function loadMessages(language: string): Promise<Messages> {
  const loader = loaders[`./${language}.ts`];
  return loader ? (await loader()).default : en;
}

export type Overrides = Record<string, Record<string, string>> | undefined;

export interface Translator {
  language: string;
  (key: MessageKey, values?: Record<string, string | number>): string;
  number(value: number): string;
  date(value: Date): string;
}

/**
 * A translator for one language: the environment's string overrides (`connectUISettings.strings[lang][key]`) win
 * over the bundled text, English fills any gap. Numbers and dates go through Intl in that language.
 */
export function translator(language: string, messages: Messages, overrides?: Overrides): Translator {
  const custom = overrides?.[language] ?? {};
  const numbers = new Intl.NumberFormat(language);
  const dates = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short' });
  const t = ((key: MessageKey, values?: Record<string, string | number>) => {
    const text = (typeof custom[key] === 'string' ? custom[key] : undefined) ?? messages[key] ?? en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = values?.[name];
      if (value === undefined) return match;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  }) as Translator;
  t.language = language;
  t.number = (value) => numbers.format(value);
  t.date = (value) => dates.format(value);
  return t;
}

export const english = en;
