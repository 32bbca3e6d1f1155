/// <reference types="vitest/config" />
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy beside every built script and stylesheet, at the highest levels:
 * compressed once here, the server sends them as they are to browsers that accept them (Content-Encoding), with no
 * compression work per request. Node's zlib does both, so no dependency.
 */
function precompress(): Plugin {
  return {
    name: 'latchkey-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css)$/.test(fileName)) continue;
        const path = join(options.dir ?? '', fileName);
        const content = readFileSync(path);
        writeFileSync(`${path}.br`, brotliCompressSync(content, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
        }));
        writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

/**
 * Chunks the browser should fetch alongside the small boot script instead of after it has run: the app's
 * (src/start.tsx, imported dynamically by the boot script) as a modulepreload in index.html, and the language chunks'
 * names for the inline script of index.html, which preloads the one the app will choose (as chooseLanguage in
 * src/i18n/index.ts does: `lang`, then the browser's languages; English has no chunk). That script also applies an
 * explicit theme and the standalone flag before the first paint.
 */
function preloadChunks(): Plugin {
  return {
    name: 'latchkey-preload-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const chunks = Object.values(context.bundle ?? {}).flatMap((chunk) => (chunk.type === 'chunk' && chunk.isDynamicEntry ? [chunk] : []));
        const app = chunks.find((chunk) => chunk.facadeModuleId?.endsWith('/src/start.tsx'));
        if (!app) throw new Error('latchkey-preload-chunks: no chunk for src/start.tsx');
        const languages = Object.fromEntries(chunks.flatMap((chunk) => {
          const code = /\/src\/i18n\/([a-z]{2})\.ts$/.exec(chunk.facadeModuleId ?? '')?.[1];
          return code ? [[code, `./${chunk.fileName}`]] : [];
        }));
        if (!html.includes('/*language-chunks*/{}')) throw new Error('latchkey-preload-chunks: index.html lost its /*language-chunks*/{} marker');
        return {
          html: html.replace('/*language-chunks*/{}', JSON.stringify(languages)),
          tags: [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${app.fileName}` }, injectTo: 'head' }],
        };
      },
    },
  };
}

/**
 * The boot (src/early.ts → src/boot.ts: listen, `ready`, the session's reads) as a classic script inside index.html,
 * where its marker script stands (a script holding only the comment "boot"): it runs as soon as the page is parsed, one round trip before any script
 * file could. The server allows it by its hash (ConnectUiPage). Bundled on its own by esbuild, so it shares no module
 * instance with the app; the app finds the bus it left on `window`.
 */
function inlineBoot(): Plugin {
  return {
    name: 'latchkey-inline-boot',
    transformIndexHtml: {
      order: 'post',
      async handler(html) {
        const marker = '<script>/*boot*/</script>';
        if (!html.includes(marker)) throw new Error(`latchkey-inline-boot: index.html lost its ${marker} marker`);
        const result = await esbuild({
          entryPoints: [fileURLToPath(new URL('./src/early.ts', import.meta.url))],
          bundle: true,
          format: 'iife',
          minify: true,
          target: 'es2020',
          legalComments: 'none',
          write: false,
        });
        const code = result.outputFiles[0]!.text.trim();
        if (/<\/script|<!--/i.test(code)) throw new Error('latchkey-inline-boot: the boot code would end its <script> early');
        return html.replace(marker, () => `<script>${code}</script>`);
      },
    },
  };
}

// Relative asset paths (base './'): the server mounts the app under /connect-ui/ and a proxy may move it (spec §3.1).
// The SDK is taken from the workspace's TypeScript source, so the UI needs no prior build of @latchkey/frontend and
// tree-shakes it with the rest. JSX is compiled for Preact by Vite's own transformer: no plugin needed.
export default defineConfig({
  base: './',
  resolve: {
    alias: [
      { find: /^@latchkey\/frontend$/, replacement: fileURLToPath(new URL('../frontend/src/index.ts', import.meta.url)) },
      { find: /^@latchkey\/frontend\/redirect$/, replacement: fileURLToPath(new URL('../frontend/src/redirect.ts', import.meta.url)) },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [inlineBoot(), preloadChunks(), precompress()],
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
