/// <reference types="vitest/config" />
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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

// Relative asset paths (base './'): the server mounts the app under /connect-ui/ and a proxy may move it (spec §3.1).
// The SDK is taken from the workspace's TypeScript source, so the UI needs no prior build of @latchkey/frontend and
// tree-shakes it with the rest. JSX is compiled for Preact by Vite's own transformer: no plugin needed.
export default defineConfig({
  base: './',
  resolve: {
    alias: { '@latchkey/frontend': fileURLToPath(new URL('../frontend/src/index.ts', import.meta.url)) },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [preloadChunks(), precompress()],
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
