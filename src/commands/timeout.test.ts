import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/cli.js';

/**
 * --timeout bounds the whole command: a server that answers at once and then sends one byte every
 * second never goes idle and would keep vouch waiting for the per-request allowance; the
 * command's deadline ends it with NETWORK (exit 3), naming the host. The elapsed-time bound is a
 * hang guard, far above the 2 s asked for.
 */
let server: Server;
let host = '';
const timers = new Set<NodeJS.Timeout>();

before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    const t = setInterval(() => res.write(' '), 1000);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

for (const [name, args] of [
  ['image from a registry', () => ['image', `${host}/demo/app:v1`]],
  ['apk from a URL', () => ['apk', `http://${host}/hello-1.0-r0.apk`]],
] as const) {
  test(`--timeout: ${name} that trickles ends with NETWORK, exit 3, the host named`, { timeout: 60_000 }, async () => {
    const started = Date.now();
    const r = await runCli([...args(), '--timeout', '2s', '--json']);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(doc.error.code, 'NETWORK');
    assert.ok(doc.error.message.includes(host), doc.error.message);
    assert.match(doc.error.message, /--timeout 2 s/);
    assert.ok(Date.now() - started < 40_000, `took ${Date.now() - started} ms`);
  });
}

test('--timeout: not a duration is a usage error', async () => {
  const r = await runCli(['image', 'oci:./nowhere', '--timeout', 'soon']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--timeout must be a positive duration/);
});
