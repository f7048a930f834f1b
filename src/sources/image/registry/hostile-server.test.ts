import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { noopLogger } from '../../../context.js';
import { isVouchError } from '../../../errors.js';
import { readCapped } from '../digest.js';
import type { Digest } from '../digest.js';
import { RegistryCore } from './core.js';
import { RegistryHttp } from './http.js';
import type { RetryPolicy } from './http.js';
import type { NetworkDeadlines } from '../../net/deadline.js';

/**
 * Registries that misbehave on purpose, as node http servers on loopback addresses: one that
 * redirects to a second loopback address (127.0.0.2, another host as far as credentials go), and
 * ones that answer too slowly. Deadlines are injected short; the assertions on elapsed time are
 * hang guards, generous enough never to flake.
 */
interface Host {
  readonly host: string;
  readonly url: string;
  readonly seen: string[];
  close(): Promise<void>;
}

async function serve(address: string, handle: (req: IncomingMessage, res: ServerResponse, self: string) => void): Promise<Host> {
  const seen: string[] = [];
  let self = '';
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}${req.headers.authorization ? ` [${req.headers.authorization}]` : ''}`);
    handle(req, res, self);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const address_ = server.address();
  const port = typeof address_ === 'object' && address_ ? address_.port : 0;
  self = `http://${address}:${port}`;
  return {
    host: `${address}:${port}`,
    url: self,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const DIGEST = `sha256:${'ab'.repeat(32)}` as Digest;
const FAST: RetryPolicy = { retries: 2, baseDelayMs: 5, maxDelayMs: 2000, totalDelayMs: 3000 };
const SHORT: NetworkDeadlines = { headersMs: 1500, bodyMs: 1500, minBytesPerSecond: 1024 * 1024 };
const BASIC = `Basic ${Buffer.from('alice:secret').toString('base64')}`;

function core(host: string, opts: { retry?: RetryPolicy; deadlines?: NetworkDeadlines; signal?: AbortSignal; basic?: boolean } = {}): RegistryCore {
  const http = new RegistryHttp(noopLogger, opts.retry ?? FAST, opts.signal, opts.deadlines ?? SHORT);
  const creds = opts.basic === false ? undefined : ({ kind: 'basic', username: 'alice', password: 'secret' } as const);
  return new RegistryCore({ registry: host, repository: 'demo/app', tag: 'v1' }, http, creds, false, 1 << 20, noopLogger);
}

async function isNetwork(p: Promise<unknown>, host: string, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isVouchError(e), String(e));
    assert.equal(e.code, 'NETWORK', e.message);
    assert.ok(e.message.includes(host), `the host is named: ${e.message}`);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('credentials: a blob redirected to another host that asks for credentials gets none, nor does its token realm', async () => {
  let other: Host | undefined;
  try {
    other = await serve('127.0.0.2', (req, res, self) => {
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: 'STOLEN' }));
        return;
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${self}/token",service="evil"` });
      res.end();
    });
  } catch (err) {
    // Linux routes all of 127.0.0.0/8 to loopback; elsewhere the second address may not exist.
    if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL' && process.env['CI'] !== 'true') return;
    throw err;
  }
  const redirector = other;
  const registry = await serve('127.0.0.1', (req, res) => {
    if (req.headers.authorization !== BASIC) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' });
      res.end();
      return;
    }
    res.writeHead(307, { location: `${redirector.url}/storage${req.url ?? ''}` });
    res.end();
  });
  try {
    const c = core(registry.host);
    await assert.rejects(c.blob({ mediaType: 'application/octet-stream', digest: DIGEST, size: 3 }), (e: unknown) => {
      assert.ok(isVouchError(e) && e.code === 'UNAUTHORIZED', String(e));
      assert.ok(e.message.includes(redirector.host), e.message);
      return true;
    });
    await c.close();
    assert.ok(registry.seen.some((s) => s.includes(`[${BASIC}]`)), 'the registry itself got the credentials');
    assert.ok(redirector.seen.some((s) => s.startsWith(`GET /storage/v2/demo/app/blobs/${DIGEST}`)), redirector.seen.join('\n'));
    assert.deepEqual(
      redirector.seen.filter((s) => s.includes('[')),
      [],
      'no Authorization header reaches the host the registry redirected to',
    );
    assert.ok(redirector.seen.every((s) => !s.startsWith('GET /token')), 'its token realm is never asked');
  } finally {
    await registry.close();
    await redirector.close();
  }
});

test('credentials: a same-origin redirect carries no Authorization header either', async () => {
  const registry = await serve('127.0.0.1', (req, res) => {
    if (req.url?.startsWith('/elsewhere')) {
      res.writeHead(200);
      res.end('abc');
      return;
    }
    if (req.headers.authorization !== BASIC) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' });
      res.end();
      return;
    }
    res.writeHead(302, { location: `/elsewhere${req.url ?? ''}` });
    res.end();
  });
  try {
    const c = core(registry.host);
    const digest = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' as Digest; // "abc"
    assert.equal((await readCapped(await c.blob({ mediaType: 'application/octet-stream', digest, size: 3 }), 10, 'blob')).toString(), 'abc');
    await c.close();
    assert.ok(registry.seen.filter((s) => s.startsWith('GET /elsewhere')).every((s) => !s.includes('[')), registry.seen.join('\n'));
  } finally {
    await registry.close();
  }
});

test('deadline: a manifest that trickles one byte at a time fails with NETWORK naming the host, within bounds', async () => {
  const timers = new Set<NodeJS.Timeout>();
  const registry = await serve('127.0.0.1', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    const t = setInterval(() => res.write(' '), 200);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  });
  try {
    const started = Date.now();
    await isNetwork(core(registry.host, { basic: false }).root(), registry.host, /did not arrive in full within 1\.5 s/);
    assert.ok(Date.now() - started < 20_000, 'ended long before any idle timeout would have');
    assert.equal(registry.seen.length, 1, 'a passed deadline is not retried');
  } finally {
    for (const t of timers) clearInterval(t);
    await registry.close();
  }
});

test('deadline: headers that never come, and the command deadline over a slow blob, are NETWORK errors naming the host', async () => {
  const registry = await serve('127.0.0.1', (req, res) => {
    if (req.url?.includes('/manifests/')) return; // never answers
    res.writeHead(200, { 'content-length': '1000' });
    const t = setInterval(() => res.write('x'), 100);
    res.on('close', () => clearInterval(t));
  });
  try {
    await isNetwork(core(registry.host, { basic: false }).root(), registry.host, /no response within 1\.5 s/);
    // A generous per-request allowance, but the command's signal ends it first.
    const command = new AbortController();
    const c = core(registry.host, { basic: false, signal: command.signal, deadlines: { headersMs: 60_000, bodyMs: 60_000, minBytesPerSecond: 1 } });
    const stream = await c.blob({ mediaType: 'application/octet-stream', digest: DIGEST, size: 1000 });
    setTimeout(() => command.abort(new Error('the command did not finish within --timeout 1 s')), 500).unref();
    const started = Date.now();
    await isNetwork(readCapped(stream, 1 << 20, 'blob', 'NETWORK'), registry.host, /--timeout/);
    assert.ok(Date.now() - started < 20_000);
    await c.close();
  } finally {
    await registry.close();
  }
});

test('retries: a long Retry-After is not waited for; short ones only up to the total budget', async () => {
  const registry = await serve('127.0.0.1', (req, res) => {
    res.writeHead(429, { 'retry-after': req.url?.includes('long') ? '120' : '1' });
    res.end();
  });
  try {
    const long = new RegistryCore({ registry: registry.host, repository: 'long', tag: 'v1' }, new RegistryHttp(noopLogger, FAST, undefined, SHORT), undefined, false, 1 << 20, noopLogger);
    await isNetwork(long.root(), registry.host, /asked to wait 120 s/);
    assert.equal(registry.seen.length, 1);
    // Retry-After: 1 fits the cap (2 s) but not three times into the total (1.5 s here).
    const budget: RetryPolicy = { retries: 4, baseDelayMs: 5, maxDelayMs: 2000, totalDelayMs: 1500 };
    const started = Date.now();
    await isNetwork(core(registry.host, { basic: false, retry: budget }).root(), registry.host, /giving up after 1 s of retries/);
    assert.equal(registry.seen.length, 3);
    assert.ok(Date.now() - started < 20_000);
  } finally {
    await registry.close();
  }
});

test('token: a token answer nested 200,000 levels deep is refused before it is parsed, never a crash', async () => {
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const registry = await serve('127.0.0.1', (req, res, self) => {
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(deep);
      return;
    }
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${self}/token",service="registry"` });
    res.end();
  });
  try {
    const c = core(registry.host, { basic: false });
    await assert.rejects(c.root(), (e: unknown) => {
      assert.ok(isVouchError(e), String(e));
      assert.ok(e.code === 'LIMIT_EXCEEDED' || e.code === 'UNAUTHORIZED', `${e.code}: ${e.message}`);
      assert.match(e.message, /nested more than 256 levels deep/);
      return true;
    });
    await c.close();
  } finally {
    await registry.close();
  }
});
