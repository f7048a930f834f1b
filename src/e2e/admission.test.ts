import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { ConfigMap, Pod } from 'kubernetes-models/v1';
import { assertAdmissionReview, reviewFor } from '../testing/admission-review.js';
import { pushLayout } from '../testing/push-layout.js';
import { needsRegistry, startRegistry } from '../testing/registry.js';
import type { TestRegistry } from '../testing/registry.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';
import { httpsRequest, makePublicKey, makeTlsPair, needsOpenssl } from '../testing/serve.js';
import { startServe } from '../testing/serve.js';
import type { ServeProcess } from '../testing/serve.js';

/**
 * `vouch serve` end to end: real AdmissionReview documents (Pods, Deployments, CronJobs built with
 * kubernetes-models and checked against the Kubernetes schemas) sent over HTTPS to the CLI's
 * server, whose images live in a local docker-registry: signed, unsigned, signed by another key,
 * tampered, signed only at the index, by tag and by digest, a registry that never answers (past
 * the deadline) and one that stops mid-test. Each case asserts the decision and the message.
 */
const skip = needsRegistry().skip ?? needsOpenssl().skip;
const sample = sampleManifest();
const layout = samplePath(sample.image.layout);
const amd64 = sample.image.platforms['linux/amd64'] ?? '';

let registry: TestRegistry | undefined;
let server: ServeProcess | undefined;
let work = '';
let ca = Buffer.alloc(0);
let host = '';
let slow: Server | undefined;
let slowHost = '';
const slowSockets = new Set<Socket>();

interface Response {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { code: number; message: string };
  readonly warnings?: string[];
  readonly patchType?: string;
  readonly patch?: string;
}

async function post(path: string, review: Record<string, unknown>): Promise<Response> {
  const r = await httpsRequest(server?.port ?? 0, ca, 'POST', path, JSON.stringify(review));
  assert.equal(r.status, 200, r.body);
  const doc = JSON.parse(r.body) as { response: Response };
  assertAdmissionReview(doc);
  assert.equal(doc.response.uid, (review['request'] as { uid: string }).uid, 'the response echoes request.uid');
  for (const w of doc.response.warnings ?? []) assert.ok(w.length < 120, `warning under 120 characters: ${w}`);
  return doc.response;
}

const pod = (...images: string[]) => new Pod({ metadata: { name: 'app' }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } });
const validate = (...images: string[]) => post('/validate', reviewFor(pod(...images)));

function denied(r: Response, ...patterns: RegExp[]): void {
  assert.equal(r.allowed, false, JSON.stringify(r));
  assert.equal(r.status?.code, 403);
  assert.ok(!(r.status?.message ?? '').includes('\n'), 'the message is one line');
  for (const p of patterns) assert.match(r.status?.message ?? '', p);
}

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'vouch-serve-'));
  registry = await startRegistry();
  host = registry.host;
  await pushLayout(registry, layout, 'sample/hello');
  await pushLayout(registry, layout, 'sample/unsigned', (tag) => !tag.startsWith('sha256-'));
  await pushLayout(registry, layout, 'other/hello');
  await pushLayout(registry, layout, 'warn/unsigned', (tag) => !tag.startsWith('sha256-'));
  // Only the index's signature: every platform must count as signed through it.
  await pushLayout(registry, layout, 'sample/index-signed', (tag) => tag === sample.image.tag || tag === `sha256-${sample.image.index.slice(7)}.sig`);
  const twin = sample.twins.find((t) => t.name === 'signature-digest');
  if (twin?.image) await pushLayout(registry, samplePath(twin.image.layout), 'sample/tampered');
  await pushLayout(registry, layout, 'prov/hello');
  const forked = sample.twins.find((t) => t.name === 'provenance-source');
  if (forked?.image) await pushLayout(registry, samplePath(forked.image.layout), 'prov/forked');
  // A registry that accepts connections and never answers.
  slow = createServer((s) => {
    slowSockets.add(s);
    s.on('close', () => slowSockets.delete(s));
  });
  await new Promise<void>((resolve) => slow?.listen(0, '127.0.0.1', resolve));
  slowHost = `127.0.0.1:${(slow.address() as { port: number }).port}`;
  const tls = makeTlsPair(work);
  ca = readFileSync(tls.cert);
  const otherKey = makePublicKey(work, 'other');
  const signed = { key: SAMPLE_KEYS.cosign, 'trusted-root': SAMPLE_KEYS.trustedRoot, policy: ['signature'] };
  const config = {
    apiVersion: 'vouch.dev/v1',
    kind: 'AdmissionConfig',
    spec: {
      unmatched: 'deny',
      platform: 'linux/amd64',
      images: [
        { pattern: `${host}/other/*`, ...signed, key: otherKey },
        {
          pattern: `${host}/prov/*`,
          ...signed,
          'certificate-identity': sample.identity,
          'certificate-oidc-issuer': sample.issuer,
          'source-uri': sample.sourceUri,
          policy: ['signature', 'provenance'],
        },
        { pattern: `${host}/warn/*`, mode: 'warn', ...signed },
        { pattern: `${host}/sample/*`, ...signed },
        { pattern: `${slowHost}/*`, ...signed },
      ],
    },
  };
  writeFileSync(join(work, 'config.yaml'), JSON.stringify(config));
  server = await startServe(['--config', join(work, 'config.yaml'), '--tls-cert', tls.cert, '--tls-key', tls.key, '--timeout', '3s']);
});

after(async () => {
  await server?.stop();
  for (const s of slowSockets) s.destroy();
  await new Promise<void>((resolve) => (slow ? slow.close(() => resolve()) : resolve()));
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('vouch serve', { skip }, () => {
  test('a signed image is admitted by tag, by index digest and by platform digest', { timeout: 120_000 }, async () => {
    for (const ref of [`${host}/sample/hello:latest`, `${host}/sample/hello@${sample.image.index}`, `${host}/sample/hello@${amd64}`]) {
      const r = await validate(ref);
      assert.equal(r.allowed, true, `${ref}: ${JSON.stringify(r)}`);
      assert.equal(r.status, undefined);
    }
  });

  test('an image signed only at its index is admitted for its platform', { timeout: 60_000 }, async () => {
    const r = await validate(`${host}/sample/index-signed:latest`);
    assert.equal(r.allowed, true, JSON.stringify(r));
  });

  test('an unsigned image in a Deployment is denied, naming the image, its digest and the failed rule', { timeout: 60_000 }, async () => {
    const image = `${host}/sample/unsigned:latest`;
    const deployment = new Deployment({
      metadata: { name: 'app' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'ok', image: `${host}/sample/hello:latest` }, { name: 'bad', image }] } } },
    });
    const r = await post('/validate', reviewFor(deployment));
    denied(r, new RegExp(`image ${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${sample.image.index}\\)`), /failed rule signature\/signature-[a-z-]+ of images\[3\] /, /SIGNATURE_NOT_FOUND/);
    assert.ok(!r.status?.message.includes('sample/hello:latest'), 'the signed image is not named as a failure');
  });

  test('an image signed by another key than its policy names is denied', { timeout: 60_000 }, async () => {
    denied(await validate(`${host}/other/hello:latest`), /other\/hello:latest \(sha256:[0-9a-f]{64}\) failed rule signature\//, /images\[0\]/);
  });

  test('provenance: the honest build is admitted; one whose provenance names another source repository is denied', { timeout: 60_000 }, async () => {
    const ok = await validate(`${host}/prov/hello:latest`);
    assert.equal(ok.allowed, true, JSON.stringify(ok));
    denied(await validate(`${host}/prov/forked:latest`), /prov\/forked:latest \(sha256:[0-9a-f]{64}\) failed rule provenance\//, /images\[1\]/);
  });

  test('a tampered image (signatures over another digest) is denied', { timeout: 60_000 }, async () => {
    denied(await validate(`${host}/sample/tampered:latest`), /sample\/tampered:latest \(sha256:[0-9a-f]{64}\) failed rule signature\//);
  });

  test('a CronJob is checked in init, ordinary and ephemeral-free templates alike', { timeout: 60_000 }, async () => {
    const cron = (init: string) =>
      new CronJob({
        metadata: { name: 'nightly' },
        spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', initContainers: [{ name: 'init', image: init }], containers: [{ name: 'main', image: `${host}/sample/hello:latest` }] } } } } },
      });
    assert.equal((await post('/validate', reviewFor(cron(`${host}/sample/hello@${amd64}`)))).allowed, true);
    denied(await post('/validate', reviewFor(cron(`${host}/sample/unsigned:latest`))), /sample\/unsigned:latest/);
  });

  test('an ephemeral container added to a running pod is checked', { timeout: 60_000 }, async () => {
    const p = new Pod({ metadata: { name: 'app' }, spec: { containers: [{ name: 'c', image: `${host}/sample/hello:latest` }], ephemeralContainers: [{ name: 'debug', image: `${host}/sample/unsigned:latest` }] } });
    denied(await post('/validate', reviewFor(p, { subResource: 'ephemeralcontainers' })), /ephemeral|sample\/unsigned/);
  });

  test('warn mode admits an unsigned image with a short warning; unmatched images are denied; dry runs are answered alike', { timeout: 60_000 }, async () => {
    const w = await validate(`${host}/warn/unsigned:latest`);
    assert.equal(w.allowed, true);
    assert.ok((w.warnings ?? []).length > 0 && (w.warnings ?? []).some((x) => x.includes('warn/unsigned')), JSON.stringify(w));
    denied(await validate('docker.io/library/nginx:1.27'), /docker\.io\/library\/nginx:1\.27 denied: no image policy matches it/);
    denied(await post('/validate', reviewFor(pod(`${host}/sample/unsigned:latest`), { dryRun: true })), /failed rule/);
  });

  test('references that would read local files, or are no references, are denied', async () => {
    denied(await validate('oci:/etc@sha256:' + 'a'.repeat(64)), /not a registry reference/);
    denied(await validate('docker-archive:/etc/passwd'), /not a registry reference/);
    denied(await validate('Not A Reference'), /denied/);
    denied(await post('/validate', reviewFor(new ConfigMap({ metadata: { name: 'x' }, data: { a: 'b' } }))), /kind "ConfigMap" are not checked/);
  });

  test('mutate pins a tag to its digest as repo:tag@sha256 and leaves digests alone', { timeout: 60_000 }, async () => {
    const tagged = `${host}/sample/hello:latest`;
    const pinned = `${host}/sample/hello@${amd64}`;
    const r = await post('/mutate', reviewFor(pod(tagged, pinned, 'docker.io/library/nginx:1.27')));
    assert.equal(r.allowed, true);
    assert.equal(r.patchType, 'JSONPatch');
    const patch = JSON.parse(Buffer.from(r.patch ?? '', 'base64').toString('utf8')) as unknown;
    assert.deepEqual(patch, [{ op: 'replace', path: '/spec/containers/0/image', value: `${tagged}@${sample.image.index}` }]);
  });

  test('a registry that never answers is a denial within the deadline that says so', { timeout: 60_000 }, async () => {
    denied(await validate(`${slowHost}/app/x:1`), /could not be resolved to a digest/, /within 3 s/);
  });

  test('malformed, oversized and non-AdmissionReview bodies are refused; health, readiness and metrics answer', { timeout: 60_000 }, async () => {
    const port = server?.port ?? 0;
    assert.equal((await httpsRequest(port, ca, 'POST', '/validate', '{not json')).status, 400);
    assert.equal((await httpsRequest(port, ca, 'POST', '/validate', JSON.stringify({ kind: 'Pod' }))).status, 400);
    assert.equal((await httpsRequest(port, ca, 'POST', '/validate', '['.repeat(100_000))).status, 400);
    // Over the cap: 413, or the connection cut while the client is still sending (EPIPE, ECONNRESET).
    const big = await httpsRequest(port, ca, 'POST', '/validate', Buffer.alloc(9 * 1024 * 1024, 0x20)).then(
      (r) => String(r.status),
      (err: NodeJS.ErrnoException) => err.code ?? 'error',
    );
    assert.ok(['413', 'EPIPE', 'ECONNRESET'].includes(big), big);
    assert.equal((await httpsRequest(port, ca, 'GET', '/validate')).status, 405);
    assert.equal((await httpsRequest(port, ca, 'GET', '/healthz')).status, 200);
    assert.equal((await httpsRequest(port, ca, 'GET', '/readyz')).status, 200);
    const metrics = await httpsRequest(port, ca, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /vouch_admission_decisions_total\{outcome="deny"\} \d+/);
    assert.match(metrics.body, /vouch_admission_cache_total\{result="hit"\} \d+/);
    assert.match(metrics.body, /vouch_admission_verification_seconds_bucket/);
  });

  test('every decision is one JSON log line with uid, namespace, kind, image, digest, verdict, rule and duration', () => {
    const lines = server?.decisions ?? [];
    assert.ok(lines.length > 10);
    for (const l of lines) for (const k of ['uid', 'namespace', 'kind', 'image', 'digest', 'verdict', 'rule', 'durationMs']) assert.ok(k in l, `${k} in ${JSON.stringify(l)}`);
    assert.ok(lines.some((l) => l['verdict'] === 'deny' && l['rule'] === `images[3] ${host}/sample/*`));
  });

  test('a registry that stops mid-test: cached verdicts of pinned digests stand, everything else is denied, never allowed', { timeout: 60_000 }, async () => {
    await registry?.stop();
    // Pinned by digest and verified before: the cache answers without the registry.
    assert.equal((await validate(`${host}/sample/hello@${amd64}`)).allowed, true);
    // A tag must be resolved on every request: with the registry gone it cannot be.
    denied(await validate(`${host}/sample/hello:latest`), /could not be resolved to a digest/);
    denied(await validate(`${host}/sample/hello@sha256:${'0'.repeat(64)}`), /could not be verified \(NETWORK\)/);
  });
});
