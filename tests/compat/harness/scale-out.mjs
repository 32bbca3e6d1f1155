// What the two-instance suite needs besides the servers: a plain round-robin load balancer (HTTP and WebSocket, no
// sticky sessions) and throwaway PostgreSQL databases, made with Debian's psql.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';

/** The PostgreSQL server the suites may use (a role allowed to create databases), or null: the suite is skipped. */
export const postgresAdmin = process.env.LATCHKEY_TEST_POSTGRES || null;

function psql(url, sql) {
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qtAc', sql], { encoding: 'utf8' }).trim();
}

/** A fresh, empty database; `url` is what the servers are given, `query` runs SQL in it. */
export function createDatabase() {
  const name = `latchkey_scale_${randomBytes(6).toString('hex')}`;
  psql(postgresAdmin, `CREATE DATABASE ${name}`);
  const url = new URL(postgresAdmin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    query: (sql) => psql(url.toString(), sql),
    drop: () => psql(postgresAdmin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * A load balancer in front of `targets` (base URLs): each HTTP request and each WebSocket upgrade goes to the next
 * target in turn, unless `route(kind, request)` names one. Requests are forwarded as they came (Host included).
 */
export async function startRoundRobin(targets) {
  let next = 0;
  let route = null;
  const choose = (kind, incoming) => new URL(route?.(kind, incoming) ?? targets[next++ % targets.length]);
  const counts = { http: 0, upgrade: 0 };

  const server = createServer((incoming, outgoing) => {
    counts.http++;
    const target = choose('http', incoming);
    const upstream = request({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode, answer.rawHeaders);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(upstream);
  });

  // WebSocket: replay the upgrade request to the chosen instance, then splice the two sockets together.
  server.on('upgrade', (incoming, socket, head) => {
    counts.upgrade++;
    const target = choose('upgrade', incoming);
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${incoming.method} ${incoming.url} HTTP/1.1`];
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) lines.push(`${incoming.rawHeaders[i]}: ${incoming.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head?.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    /** Pins requests to targets, e.g. every WebSocket to one instance and every HTTP request to the other. */
    route(fn) { route = fn; },
    /** What a balancer's health check does when an instance stops answering. */
    remove(target) { targets = targets.filter((t) => t !== target); },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
