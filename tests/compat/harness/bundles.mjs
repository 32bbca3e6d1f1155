// Browser builds of the SDKs under test, as one classic script each, exposing a global.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './processes.mjs';

/** The official @nangohq/frontend, bundled as-is (window.NangoOfficial.default is the Nango class). */
export async function officialFrontendScript() {
  const result = await build({
    entryPoints: ['@nangohq/frontend'],
    bundle: true,
    format: 'iife',
    globalName: 'NangoOfficial',
    write: false,
    absWorkingDir: join(repoRoot, 'tests/compat'),
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Our @latchkey/frontend script-tag build (window.Nango); build web/ first. */
export function latchkeyFrontendScript() {
  return readFileSync(join(repoRoot, 'web/frontend/dist/latchkey-frontend.global.js'), 'utf8');
}
