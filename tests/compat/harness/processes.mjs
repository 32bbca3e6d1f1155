// Real processes for the suites: the built Latchkey server and the TestKit's fake provider (Latchkey.FakeWorld).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const configuration = process.env.LATCHKEY_CONFIGURATION ?? 'Debug';
const serverDll = join(repoRoot, `src/Latchkey.Server/bin/${configuration}/net10.0/Latchkey.Server.dll`);
const fakeWorldDll = join(repoRoot, `tests/Latchkey.FakeWorld/bin/${configuration}/net10.0/Latchkey.FakeWorld.dll`);

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts the fake provider; resolves with its base URL, its providers file and a control client. */
export async function startFakeWorld() {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-fake-'));
  const child = spawn('dotnet', [fakeWorldDll, '--providers-file', join(folder, 'providers.yaml')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise((resolveLine, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolveLine(buffer.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`FakeWorld exited with ${code}; build it first (dotnet build)`)));
  });
  const { baseUrl, providersFile, oidc } = JSON.parse(first);
  const control = async (body) => {
    const response = await fetch(`${baseUrl}/_control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return response.json();
  };
  return {
    baseUrl,
    providersFile,
    /** The OpenID Connect provider for dashboard single sign-on: issuer (on localhost, another site), client id and secret. */
    oidc,
    control,
    state: async () => (await fetch(`${baseUrl}/_control/state`)).json(),
    issuedSecrets: async () => (await fetch(`${baseUrl}/_control/issued`)).json(),
    async stop() {
      child.stdin.end();
      child.kill();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the built server with a fresh data folder on a free port. `logs` holds every line it printed, so a
 * suite can search them for secrets it used.
 */
export async function startServer({ providersFile, env = {}, secretKey = `lk_sk_${randomBytes(32).toString('hex')}`, publicUrl } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-data-'));
  const url = `http://127.0.0.1:${port}`;
  const logs = [];
  const child = spawn('dotnet', [serverDll], {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: 'Production',
      LATCHKEY_PORT: String(port),
      LATCHKEY_BIND: '127.0.0.1',
      LATCHKEY_SERVER_URL: publicUrl ?? url, // behind a load balancer: the balancer's URL
      LATCHKEY_DATA_DIR: join(dataDir, 'data'),
      LATCHKEY_SECRET_KEY_DEV: secretKey,
      LATCHKEY_OUTBOUND_ALLOW: '127.0.0.1/32',
      ...(providersFile ? { LATCHKEY_PROVIDERS_FILE: providersFile } : {}),
      Logging__LogLevel__Default: 'Debug',
      ...env,
    },
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => logs.push(...chunk.split('\n').filter(Boolean)));
  }
  let exited = null;
  child.once('exit', (code) => { exited = code; });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`Latchkey exited with ${exited} before it was ready:\n${logs.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`Latchkey did not answer /health within 60 s:\n${logs.join('\n')}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  return {
    url,
    secretKey,
    logs,
    api,
    async createSession(body = { end_user: { id: 'user-1', email: 'ada@example.com' } }) {
      const { status, body: answer } = await api('POST', '/connect/sessions', body);
      if (status !== 201) throw new Error(`session creation failed: ${status} ${JSON.stringify(answer)}`);
      return answer.data.token;
    },
    /** Ends the process at once, as a crash or a killed container would. */
    async kill() {
      child.kill('SIGKILL');
      await new Promise((r) => (exited !== null ? r() : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (exited !== null ? r() : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
