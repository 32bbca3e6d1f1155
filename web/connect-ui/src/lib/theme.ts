// Theme of spec §3.11: light, dark or system; the environment's primary colour with a readable colour on top.
import type { ConnectUISettings, ThemeName } from './types';

export type Rgb = [number, number, number];

/** Parses #rgb, #rgba, #rrggbb, #rrggbbaa, rgb() and rgba(); null for anything else. */
export function parseColor(value: string): Rgb | null {
  const text = value.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(text);
  if (hex) {
    const digits = hex[1]!;
    const full = digits.length <= 4 ? [...digits.slice(0, 3)].map((d) => d + d).join('') : digits.slice(0, 6);
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(text);
  if (rgb) return [1, 2, 3].map((i) => Math.min(255, Math.round(Number(rgb[i])))) as Rgb;
  return null;
}

/** Any CSS colour through the browser's own parser (named colours, hsl()…); null if the browser rejects it. */
export function resolveColor(value: string): Rgb | null {
  const direct = parseColor(value);
  if (direct || typeof document === 'undefined') return direct;
  const probe = document.createElement('span');
  probe.style.color = value;
  if (!probe.style.color) return null;
  document.body.appendChild(probe);
  const computed = getComputedStyle(probe).color;
  probe.remove();
  return parseColor(computed);
}

/** White text on dark colours, black on light ones: 0.299R + 0.587G + 0.114B ≤ 186 ⇒ white. */
export function onColor([r, g, b]: Rgb): '#ffffff' | '#000000' {
  return 0.299 * r + 0.587 * g + 0.114 * b <= 186 ? '#ffffff' : '#000000';
}

export function effectiveTheme(param: ThemeName | null, settings: ConnectUISettings | undefined): ThemeName {
  const fromSettings = settings?.defaultTheme;
  if (param) return param;
  return fromSettings === 'light' || fromSettings === 'dark' || fromSettings === 'system' ? fromSettings : 'system';
}

const darkQuery = () => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null);

export function isDark(theme: ThemeName): boolean {
  return theme === 'dark' || (theme === 'system' && Boolean(darkQuery()?.matches));
}

let unwatch: (() => void) | undefined;

/**
 * Applies the theme to <html>: `data-theme` (CSS defaults to the system preference until then, so there is no
 * flash) and the primary colours. `system` follows the OS live.
 */
export function applyTheme(theme: ThemeName, settings: ConnectUISettings | undefined, root = document.documentElement): void {
  unwatch?.();
  const paint = () => {
    const dark = isDark(theme);
    root.setAttribute('data-theme', dark ? 'dark' : 'light');
    const primary = (dark ? settings?.theme?.dark?.primary : settings?.theme?.light?.primary) ?? '';
    const rgb = primary ? resolveColor(primary) : null;
    if (rgb) {
      root.style.setProperty('--color-primary', `rgb(${rgb.join(' ')})`);
      root.style.setProperty('--color-on-primary', onColor(rgb));
    } else {
      root.style.removeProperty('--color-primary');
      root.style.removeProperty('--color-on-primary');
    }
  };
  paint();
  const query = theme === 'system' ? darkQuery() : null;
  if (query) {
    query.addEventListener('change', paint);
    unwatch = () => query.removeEventListener('change', paint);
  }
}
