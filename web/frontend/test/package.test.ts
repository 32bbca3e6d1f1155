// @vitest-environment node
// The package as npm would publish it, packed from what a fresh clone has (no dist/): prepack must build, and the
// tarball must carry the bundles, the declarations, the README and the LICENSE, and nothing of the sources or tests.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageFolder = join(__dirname, '..');
const webFolder = join(packageFolder, '..');
const manifest = JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8'));

describe('the published package', () => {
  it('packs from a fresh clone: prepack builds, the tarball lists dist, README and LICENSE only', () => {
    // Inside web/ so the workspace's node_modules (esbuild, typescript) resolve, as in a clone after `npm ci`.
    const fresh = mkdtempSync(join(webFolder, '.pack-check-'));
    try {
      for (const entry of ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src']) {
        cpSync(join(packageFolder, entry), join(fresh, entry), { recursive: true });
      }
      const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: fresh, encoding: 'utf8' });
      const files: string[] = JSON.parse(output.slice(output.indexOf('[')))[0].files.map((f: { path: string }) => f.path).sort();

      for (const expected of [
        'LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/react.js', 'dist/react/index.d.ts',
        'dist/latchkey-frontend.global.js',
      ]) {
        expect(files, expected).toContain(expected);
      }
      expect(files.filter((f) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(f))).toEqual([]);
      for (const target of Object.values(manifest.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e as object)))) {
        expect(files, String(target)).toContain(String(target).replace(/^\.\//, ''));
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 120_000);

  it('carries its licence and repository, and its README names every Connect UI language', () => {
    const readme = readFileSync(join(packageFolder, 'README.md'), 'utf8');
    const languages = readdirSync(join(webFolder, 'connect-ui/src/i18n')).filter((f) => /^[a-z]{2}\.ts$/.test(f)).map((f) => f.slice(0, 2));

    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(packageFolder, 'LICENSE'), 'utf8')).toBe(readFileSync(join(webFolder, '..', 'LICENSE'), 'utf8'));
    expect(manifest.repository).toMatchObject({ type: 'git', directory: 'web/frontend' });
    expect(manifest.scripts.prepack).toBe('npm run build');
    expect(languages).toHaveLength(15);
    for (const code of languages) expect(readme, code).toContain(`\`${code}\``);
    expect(readme).not.toMatch(/\]\(\.\.?\//); // relative links break on the registry's page
  });
});
