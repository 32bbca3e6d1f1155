// Bundle sizes of @latchkey/frontend next to @nangohq/frontend 0.71.4, as a markdown table on stdout.
// The official package is only bundled and measured here, never read or copied (it is under the Elastic License).
// Run `npm run build` in web/ first: ours is measured as shipped in web/frontend/dist.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const frontend = fileURLToPath(new URL('../../web/frontend/', import.meta.url));

// The same settings for everything measured: one browser bundle, ES2019, no comments. (Ours ships as ES2020; the
// official package is kept at ES2019, as in every earlier run: at ES2020 its ESM is 34 B smaller gzipped.)
const common = { bundle: true, write: false, target: 'es2019', platform: 'browser', legalComments: 'none' };

async function bundle(options, minify) {
  const result = await build({ ...common, ...options, minify });
  return result.outputFiles[0].contents;
}

function official(format) {
  return {
    stdin: { contents: "export * from '@nangohq/frontend'; export { default } from '@nangohq/frontend';", resolveDir: here },
    absWorkingDir: here,
    format,
    ...(format === 'iife' && { globalName: 'Nango' }),
  };
}

function ours(entry, format) {
  return { entryPoints: [entry], absWorkingDir: frontend, format };
}

const rows = [
  ['@latchkey/frontend ESM (`dist/index.js`)', ours('src/index.ts', 'esm'), 'dist/index.js'],
  ['@nangohq/frontend 0.71.4 ESM', official('esm')],
  ['@latchkey/frontend script tag (`dist/latchkey-frontend.global.js`)', ours('src/global.ts', 'iife'), 'dist/latchkey-frontend.global.js'],
  ['@nangohq/frontend 0.71.4 IIFE', official('iife')],
];

console.log('| Bundle | Raw (bundled, not minified) | Minified | Minified + gzip -9 | Ours ÷ official |');
console.log('|---|---:|---:|---:|---:|');
const measured = [];
for (const [name, options, shipped] of rows) {
  const raw = await bundle(options, false);
  // Ours: the file actually published; theirs: esbuild's minification of their entry.
  const minified = shipped ? await readFile(frontend + shipped) : await bundle(options, true);
  const gzipped = gzipSync(minified, { level: 9 }).length;
  measured.push(gzipped);
  // Each of ours is followed by the official bundle of the same format.
  const ratio = (index) => (measured[index] / measured[index + 1]).toFixed(2) + '×';
  console.log(`| ${name} | ${raw.length} B | ${minified.length} B | ${gzipped} B | ${shipped ? '' : ratio(measured.length - 2)} |`);
}
