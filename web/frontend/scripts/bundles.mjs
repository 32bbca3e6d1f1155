// The three published bundles, with paths relative to the package folder (where npm runs scripts).
// Shared by the build and by the test that runs the <script> bundle.

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2019',
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

/** @type {Record<'esm' | 'react' | 'global', import('esbuild').BuildOptions>} */
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
  global: { ...common, entryPoints: ['src/global.ts'], format: 'iife', outfile: 'dist/latchkey-frontend.global.js' },
};
