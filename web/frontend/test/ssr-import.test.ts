// @vitest-environment node
import { describe, expect, it } from 'vitest';

// Server-side rendering imports the SDK where there is no window: importing and constructing must not touch it.
describe('SSR import', () => {
  it('imports both entries and builds a client without a browser', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const sdk = await import('../src/index.js');
    await import('../src/react/index.js');
    const nango = new sdk.default({ connectSessionToken: 'token' });
    expect(nango.hostBaseUrl).toBe('http://localhost:3003');
    expect(new sdk.ConnectUI().iframe).toBeNull();
  });
});
