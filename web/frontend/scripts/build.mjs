// Builds dist/: ESM core, ESM React helper and the <script> bundle (declarations come from tsc afterwards).
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { bundles } from './bundles.mjs';

await rm('dist', { recursive: true, force: true });
await Promise.all(Object.values(bundles).map((options) => build(options)));
