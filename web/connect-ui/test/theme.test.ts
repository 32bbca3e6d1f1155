import { describe, expect, it } from 'vitest';
import { effectiveTheme, onColor, parseColor } from '../src/lib/theme';
import { readParams, websocketsPathFor } from '../src/lib/params';

describe('colour maths', () => {
  it('parses hex and rgb() colours', () => {
    expect(parseColor('#00B2E3')).toEqual([0, 178, 227]);
    expect(parseColor('#fff')).toEqual([255, 255, 255]);
    expect(parseColor('#11223344')).toEqual([17, 34, 51]);
    expect(parseColor('rgb(10, 20, 30)')).toEqual([10, 20, 30]);
    expect(parseColor('rgba(10 20 30 / 0.5)')).toEqual([10, 20, 30]);
    expect(parseColor('tomato')).toBeNull();
  });

  it('puts white on colours with 0.299R+0.587G+0.114B ≤ 186, black above', () => {
    expect(onColor([0, 178, 227])).toBe('#ffffff'); // 130.3
    expect(onColor([37, 99, 235])).toBe('#ffffff');
    expect(onColor([253, 224, 71])).toBe('#000000'); // 214.8
    expect(onColor([186, 186, 186])).toBe('#ffffff'); // exactly 186
    expect(onColor([187, 187, 187])).toBe('#000000');
  });

  it('the theme parameter wins over the environment default; invalid settings fall back to system', () => {
    expect(effectiveTheme('dark', { defaultTheme: 'light' })).toBe('dark');
    expect(effectiveTheme(null, { defaultTheme: 'light' })).toBe('light');
    expect(effectiveTheme(null, { defaultTheme: 'purple' as never })).toBe('system');
    expect(effectiveTheme(null, undefined)).toBe('system');
  });
});

describe('page parameters', () => {
  it('defaults the API to the page origin and keeps a base path', () => {
    const own = readParams({ search: '', origin: 'https://auth.example.com' }, false);
    expect(own.apiURL).toBe('https://auth.example.com');
    const other = readParams({ search: '?apiURL=https%3A%2F%2Fapi.example.com%2Fbase%2F&theme=dark&detectClosedAuthWindow=true', origin: 'https://ui.example.com' }, false);
    expect(other).toMatchObject({ apiURL: 'https://api.example.com/base', apiOrigin: 'https://api.example.com', theme: 'dark', detectClosedAuthWindow: true });
    expect(readParams({ search: '?apiURL=javascript:alert(1)', origin: 'https://ui.example.com' }, false).apiURL).toBe('https://ui.example.com');
  });

  it('reads the embedded and preview flags only when they are exactly true', () => {
    expect(readParams({ search: '?embedded=true&preview=true', origin: 'https://ui.example.com' }, false)).toMatchObject({ embedded: true, preview: true });
    expect(readParams({ search: '?embedded=1&preview=yes', origin: 'https://ui.example.com' }, false)).toMatchObject({ embedded: false, preview: false });
  });

  it('builds the WebSocket path from the API path without a double slash', () => {
    expect(websocketsPathFor('http://localhost:3003', undefined)).toBe('/');
    expect(websocketsPathFor('http://localhost:3003/', '/')).toBe('/');
    expect(websocketsPathFor('https://x.com/latchkey', '/')).toBe('/latchkey/');
    expect(websocketsPathFor('https://x.com/latchkey/', 'ws')).toBe('/latchkey/ws');
  });
});
