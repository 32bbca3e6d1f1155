import { describe, expect, it } from 'vitest';
import { bundle, bundles } from '../scripts/bundles.mjs';

// The <script> build must expose the class itself as window.Nango, with its companions attached.
describe('script-tag bundle', () => {
  it('defines window.Nango with AuthError and ConnectUI', async () => {
    const { code } = await bundle(bundles.global);
    const global = window as unknown as { Nango?: any };
    delete global.Nango;

    new Function(code)();

    const Nango = global.Nango;
    expect(typeof Nango).toBe('function');
    expect(new Nango({ host: 'https://auth.example.com' }).hostBaseUrl).toBe('https://auth.example.com');
    expect(new Nango.AuthError('m', 'window_closed')).toBeInstanceOf(Error);
    expect(typeof Nango.ConnectUI).toBe('function');
    expect(() => new Nango().auth('acme')).toThrow(Nango.AuthError);
  });
});
