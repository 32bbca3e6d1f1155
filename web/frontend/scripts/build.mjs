// Builds dist/: ESM core, ESM React helper and the <script> bundle (declarations come from tsc afterwards).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { bundle, bundles } from './bundles.mjs';

await rm('dist', { recursive: true, force: true });
await mkdir('dist');
await Promise.all(Object.values(bundles).map(async (options) => {
  const { code, map } = await bundle(options);
  const file = String(options.outfile);
  await writeFile(file, code);
  await writeFile(`${file}.map`, map);
}));
