// The self-contained single-file server, as README's "Run without .NET" publishes it (scripts/publish.sh) and as the
// Dockerfile ships it: started alone on a free port with a fresh data folder, it answers /health, serves the Connect
// UI with its assets, and its own `health` command (the image's HEALTHCHECK) reports it ready.
// Publishing takes about a minute: the build is Release for linux-x64, with the runtime packs from NuGet.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, repoRoot } from './harness/processes.mjs';

const work = mkdtempSync(join(tmpdir(), 'latchkey-published-'));
const out = join(work, 'latchkey');
const binary = join(out, 'Latchkey.Server');
let server;
let url;
const output = [];

before(async () => {
  const publish = spawnSync('bash', [join(repoRoot, 'scripts/publish.sh'), out], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
  assert.equal(publish.status, 0, `publish failed:\n${publish.stdout}\n${publish.stderr}`);

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // A folder of its own as working directory: the binary must find its files beside itself, not in the repository.
  server = spawn(binary, [], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: work, LATCHKEY_PORT: String(port), LATCHKEY_BIND: '127.0.0.1', LATCHKEY_DATA_DIR: join(work, 'data') },
  });
  for (const stream of [server.stdout, server.stderr]) stream.on('data', (chunk) => output.push(String(chunk)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.equal(server.exitCode, null, `the published server exited:\n${output.join('')}`);
    assert.ok(Date.now() < deadline, `no /health answer within 60 s:\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
}, { timeout: 700_000 });

after(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  rmSync(work, { recursive: true, force: true });
});

test('the publish output is one executable with the Connect UI and the SQLite library beside it', () => {
  assert.ok(existsSync(binary));
  assert.ok(existsSync(join(out, 'wwwroot/connect-ui/index.html')));
  assert.ok(existsSync(join(out, 'libe_sqlite3.so')));
  assert.ok(!existsSync(join(out, 'Latchkey.Server.dll')), 'the server assembly is bundled into the executable');
});

test('the published server answers /health and /health/ready', async () => {
  assert.deepEqual(await (await fetch(`${url}/health`)).json(), { result: 'ok' });
  assert.equal((await fetch(`${url}/health/ready`)).status, 200);
  assert.ok(existsSync(join(work, 'data', 'latchkey.db')), 'the database is in LATCHKEY_DATA_DIR');
});

test('the published server serves the Connect UI and its assets', async () => {
  const page = await fetch(`${url}/connect-ui/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  const html = await page.text();
  const script = html.match(/<script type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"/);
  assert.ok(script, `no module script in:\n${html.slice(0, 800)}`);
  const asset = await fetch(`${url}/connect-ui/${script[1]}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type'), /javascript/);
  assert.ok((await asset.text()).length > 1000);
});

test('the binary`s own health command, the image`s HEALTHCHECK, reports the server ready', () => {
  const probe = spawnSync(binary, ['health', `${url}/health/ready`], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(probe.status, 0, `${probe.stdout}\n${probe.stderr}`);
  const closed = spawnSync(binary, ['health', 'http://127.0.0.1:1/health/ready'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(closed.status, 1);
});
