// The four published bundles, with paths relative to the package folder (where npm runs scripts).
// Shared by the build and by the test that runs the <script> bundle.
import { basename } from 'node:path';
import { build } from 'esbuild';
import { minify } from 'terser';

// ES2020 keeps `?.` and `??` as written (every browser since 2020 has them): downlevelled, they cost ~100 B gzipped.
/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  sourcemap: 'external',
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
};

/**
 * The React entry imports the core from '../index.js'; it must stay an import of the published core, not a copy,
 * so that `ConnectUI` exists once in an app.
 * @type {import('esbuild').Plugin}
 */
const coreAsExternal = {
  name: 'core-as-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './index.js', external: true }));
  },
};

/** @type {Record<'esm' | 'react' | 'redirect' | 'global', import('esbuild').BuildOptions>} */
export const bundles = {
  esm: { ...common, entryPoints: ['src/index.ts'], format: 'esm', outfile: 'dist/index.js' },
  react: {
    ...common,
    entryPoints: ['src/react/index.ts'],
    format: 'esm',
    outfile: 'dist/react.js',
    external: ['react'],
    plugins: [coreAsExternal],
  },
  redirect: { ...common, entryPoints: ['src/redirect.ts'], format: 'esm', outfile: 'dist/redirect.js' },
  global: { ...common, entryPoints: ['src/global.ts'], format: 'iife', outfile: 'dist/latchkey-frontend.global.js' },
};

/**
 * esbuild bundles (types stripped, one file); terser minifies, ~80 B gzipped smaller than esbuild's minifier on this
 * code. Members named `_…` are private to the SDK (TypeScript `private`, never read from another bundle), so their
 * names are mangled too; public API names stay as they are. Resolves with the file's text and its source map.
 * @param {import('esbuild').BuildOptions} options
 * @returns {Promise<{ code: string, map: string }>}
 */
export async function bundle(options) {
  const result = await build({ ...options, write: false, minify: false });
  /** @param {string} extension */
  const file = (extension) => result.outputFiles.find((output) => output.path.endsWith(extension))?.text ?? '';
  const minified = await minify(file('.js'), {
    module: options.format === 'esm',
    ecma: 2020,
    compress: { passes: 3, unsafe_arrows: true },
    mangle: { properties: { regex: /^_/ } },
    sourceMap: { content: file('.js.map'), url: `${basename(String(options.outfile))}.map` },
  });
  return { code: minified.code ?? '', map: String(minified.map) };
}
