/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Relative asset paths (base './'): the server mounts the app under /connect-ui/ and a proxy may move it (spec §3.1).
// The SDK is taken from the workspace's TypeScript source, so the UI needs no prior build of @latchkey/frontend and
// tree-shakes it with the rest. JSX is compiled for Preact by Vite's own transformer: no plugin needed.
export default defineConfig({
  base: './',
  resolve: {
    alias: { '@latchkey/frontend': fileURLToPath(new URL('../frontend/src/index.ts', import.meta.url)) },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../src/Latchkey.Server/wwwroot/connect-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: false,
    assetsDir: 'assets',
    reportCompressedSize: false,
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
  },
});
