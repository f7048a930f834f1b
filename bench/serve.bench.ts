/**
 * `npm run bench -- serve`: `vouch serve` answering AdmissionReviews for the sample image in a
 * local docker-registry, next to its floor: a node:https server in the same kind of process that
 * answers every request with a fixed AdmissionReview response (what TLS, HTTP and JSON cost alone).
 * - cache hit: autocannon at 500 requests/s for 10 s on one digest-pinned Pod; p50/p99 latency;
 * - cold verification: a key-signed image with keyless SLSA provenance (signature + provenance
 *   policies, no layers), two platform digests alternating in a cache of one entry, so that every
 *   request verifies; p50 over 20 sequential requests;
 * - memory: RSS of a server process holding 10,000 cached verdicts (put through the cache
 *   interface: 10,000 distinct signed images are not at hand).
 * Needs docker-registry and openssl, and a built CLI (npm run build).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry, tempDir } from '../dist/testing/registry.js';
import { pushLayout } from '../dist/testing/push-layout.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../dist/testing/sample.js';
import { httpsRequest, makeTlsPair, startServe } from '../dist/testing/serve.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface CannonResult {
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number };
  readonly requests: { readonly total: number; readonly average: number };
  readonly non2xx: number;
  readonly errors: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const pod = (image: string) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'bench', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'bench', operation: 'CREATE', userInfo: {}, object: { spec: { containers: [{ name: 'c', image }] } } },
  });

/** The floor: a child process answering every POST with a fixed AdmissionReview response. */
const FLOOR = `
const https = require('node:https'); const fs = require('node:fs');
const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'bench', allowed: true } });
const s = https.createServer({ cert: fs.readFileSync(process.argv[1]), key: fs.readFileSync(process.argv[2]) }, (req, res) => {
  const chunks = []; req.on('data', (c) => chunks.push(c));
  req.on('end', () => { JSON.parse(Buffer.concat(chunks).toString()); res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
});
s.listen(0, '127.0.0.1', () => process.stderr.write('serving admission reviews on https://127.0.0.1:' + s.address().port + '\\n'));
process.on('SIGTERM', () => s.close(() => process.exit(0)));`;

async function hammer(port: number, body: string): Promise<CannonResult> {
  return autocannon({ url: `https://127.0.0.1:${port}/validate`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 10, overallRate: 500, duration: 10 });
}

export async function run(): Promise<void> {
  const temp = tempDir('vouch-bench-serve-');
  const work = temp.dir;
  const registry = await startRegistry();
  const sample = sampleManifest();
  await pushLayout(registry, samplePath(sample.image.layout), 'sample/hello');
  const tls = makeTlsPair(work);
  const ca = readFileSync(tls.cert);
  const amd64 = `${registry.host}/sample/hello@${sample.image.platforms['linux/amd64'] ?? ''}`;
  const arm64 = `${registry.host}/sample/hello@${sample.image.platforms['linux/arm64'] ?? ''}`;
  const verify = ['--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot, '--certificate-identity', sample.identity, '--certificate-oidc-issuer', sample.issuer, '--source-uri', sample.sourceUri, '--policy', 'signature', '--policy', 'provenance'];
  const rows: string[] = [];
  try {
    // Cold: every request misses (two digests, a cache of one).
    const cold = await startServe([...verify, '--tls-cert', tls.cert, '--tls-key', tls.key, '--cache-size', '1']);
    const times: number[] = [];
    try {
      for (let i = 0; i < 22; i++) {
        const started = performance.now();
        const r = await httpsRequest(cold.port, ca, 'POST', '/validate', pod(i % 2 === 0 ? amd64 : arm64));
        if (!r.body.includes('"allowed":true')) throw new Error(`cold verification did not pass: ${r.body}`);
        if (i >= 2) times.push(performance.now() - started);
      }
    } finally {
      await cold.stop();
    }
    times.sort((a, b) => a - b);
    rows.push(`| cold verification (signature + provenance, no layers), p50 | ${(times[Math.floor(times.length / 2)] ?? 0).toFixed(0)} ms | p90 ${(times[Math.floor(times.length * 0.9)] ?? 0).toFixed(0)} ms |`);

    // Cache hits against the floor.
    const hot = await startServe([...verify, '--tls-cert', tls.cert, '--tls-key', tls.key]);
    let hits: CannonResult;
    try {
      await httpsRequest(hot.port, ca, 'POST', '/validate', pod(amd64));
      hits = await hammer(hot.port, pod(amd64));
    } finally {
      await hot.stop();
    }
    const floorProc = spawn(process.execPath, ['-e', FLOOR, tls.cert, tls.key], { stdio: ['ignore', 'ignore', 'pipe'] });
    const floorPort = await new Promise<number>((resolve) => {
      let err = '';
      floorProc.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const m = /:(\d+)\n/.exec(err);
        if (m) resolve(Number(m[1]));
      });
    });
    const floor = await hammer(floorPort, pod(amd64));
    floorProc.kill('SIGTERM');
    rows.push(`| cache hit at 500 requests/s, p50 / p99 | ${hits.latency.p50} / ${hits.latency.p99} ms | floor ${floor.latency.p50} / ${floor.latency.p99} ms (p99 ratio ${(hits.latency.p99 / Math.max(floor.latency.p99, 1)).toFixed(1)}×); ${hits.requests.total} requests, ${hits.non2xx} non-2xx, ${hits.errors} errors |`);

    // Memory with 10,000 cached verdicts, in a server process of its own.
    const script = join(work, 'rss.mjs');
    writeFileSync(
      script,
      `import { memoryVerdictCache } from ${JSON.stringify(join(ROOT, 'dist/serve/cache.js'))};
import { configFromFlags } from ${JSON.stringify(join(ROOT, 'dist/serve/config.js'))};
import { startServer } from ${JSON.stringify(join(ROOT, 'dist/serve/server.js'))};
const cache = memoryVerdictCache(10000, { passTtlMs: 3600000, failTtlMs: 30000 });
const now = new Date();
for (let i = 0; i < 10000; i++) {
  const key = 'sha256:' + i.toString(16).padStart(64, '0');
  await cache.put(key, { verdict: 'pass', reportJson: JSON.stringify({ kind: 'pass', warnings: [] }), storedAt: now.toISOString() }, now);
}
const config = await configFromFlags({ key: ${JSON.stringify(SAMPLE_KEYS.cosign)} }, 'linux/amd64');
const s = await startServer({ host: '127.0.0.1', port: 0, certFile: ${JSON.stringify(tls.cert)}, keyFile: ${JSON.stringify(tls.key)}, config, cache, timeoutMs: 8000, allowHttp: false, clock: () => new Date(), log: { debug() {}, info() {}, warn() {} }, decisionLog() {} });
globalThis.gc?.();
process.stdout.write(String(process.memoryUsage().rss));
await s.close();`,
    );
    const rss = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--expose-gc', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('close', () => resolve(out));
    });
    rows.push(`| RSS with 10,000 cached verdicts | ${(Number(rss) / 1024 / 1024).toFixed(0)} MB | |`);
  } finally {
    await registry.stop();
    temp.remove();
  }
  console.log('| measure | vouch serve | notes |\n| --- | --- | --- |');
  for (const row of rows) console.log(row);
}
