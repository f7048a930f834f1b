import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunContext } from '../context.js';
import { noopLogger } from '../context.js';
import { imageSitesOf, MAX_CONTAINERS } from './images.js';
import type { ImageJudge } from './judge-image.js';
import { imageJudge } from './judge-image.js';
import { memoryVerdictCache } from './cache.js';
import type { ServeConfig } from './config.js';
import { mutate, readReview, shortWarning, validate } from './review.js';

const ctx: RunContext = { now: new Date('2026-12-01T00:00:00Z'), log: noopLogger };
/** A judge with no image policy: every image is unmatched, so nothing it is asked about can be allowed. */
const config: ServeConfig = { unmatched: 'deny', platform: 'linux/amd64', rules: [] };
const judge: ImageJudge = imageJudge({ config, cache: memoryVerdictCache(10, { passTtlMs: 1, failTtlMs: 1 }), timeoutMs: 1000, platform: 'linux/amd64', allowHttp: false, clock: () => ctx.now });

const review = (kind: string, object: unknown, extra: Record<string, unknown> = {}) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u1', kind: { group: '', version: 'v1', kind }, operation: 'CREATE', object, ...extra } });
const podSpec = { containers: [{ name: 'a', image: 'r.example/a:1' }], initContainers: [{ name: 'i', image: 'r.example/i:1' }], ephemeralContainers: [{ name: 'e', image: 'r.example/e:1' }] };

test('images: every container list of every workload kind, with the JSON pointer of each image', () => {
  const cases: [string, unknown, string][] = [
    ['Pod', { spec: podSpec }, '/spec'],
    ['Deployment', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
    ['StatefulSet', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
    ['DaemonSet', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
    ['ReplicaSet', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
    ['ReplicationController', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
    ['Job', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
    ['CronJob', { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }, '/spec/jobTemplate/spec/template/spec'],
  ];
  for (const [kind, object, base] of cases) {
    const found = imageSitesOf(kind, undefined, object);
    assert.equal(found.kind, 'ok', kind);
    if (found.kind !== 'ok') continue;
    assert.deepEqual(found.sites.map((s) => [s.pointer, s.image]), [
      [`${base}/containers/0/image`, 'r.example/a:1'],
      [`${base}/initContainers/0/image`, 'r.example/i:1'],
      [`${base}/ephemeralContainers/0/image`, 'r.example/e:1'],
    ], kind);
  }
  assert.equal(imageSitesOf('Pod', 'ephemeralcontainers', { spec: podSpec }).kind, 'ok');
  assert.equal(imageSitesOf('Pod', 'status', { spec: podSpec }).kind, 'unsupported');
  assert.equal(imageSitesOf('ConfigMap', undefined, {}).kind, 'unsupported');
  assert.equal(imageSitesOf('__proto__', undefined, {}).kind, 'unsupported');
  assert.equal(imageSitesOf('Pod', undefined, { spec: { containers: Array.from({ length: MAX_CONTAINERS + 1 }, () => ({ image: 'x' })) } }).kind, 'unsupported');
});

test('review: what is not an AdmissionReview v1 with a uid and a kind is refused', () => {
  for (const body of [null, [], 'x', {}, { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, review('Pod', {}, { uid: '' }), review('Pod', {}, { kind: 'Pod' })]) {
    assert.equal(typeof readReview(body), 'string', JSON.stringify(body));
  }
});

test('review: a container whose image is missing or not a string is denied, never skipped; unknown kinds are denied', async () => {
  for (const c of [{ name: 'a' }, { name: 'a', image: 5 }, { name: 'a', image: '' }, 'not a container']) {
    const r = readReview(review('Pod', { spec: { containers: [c] } }));
    assert.notEqual(typeof r, 'string');
    if (typeof r === 'string') continue;
    const { response } = await validate(r, judge, ctx);
    assert.equal(response.allowed, false, JSON.stringify(c));
  }
  const cm = readReview(review('ConfigMap', { data: {} }));
  if (typeof cm !== 'string') assert.equal((await validate(cm, judge, ctx)).response.allowed, false);
});

test('review (generated hostile objects): nothing with an image is ever allowed by a judge that can verify nothing; no hang', { timeout: 60_000 }, async () => {
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const kinds = ['Pod', 'Deployment', 'CronJob', 'Job', 'DaemonSet', 'Secret', 'constructor'];
  const pieces = (depth: number): unknown => {
    switch (rand(depth > 4 ? 3 : 7)) {
      case 0: return 'r.example/x:1';
      case 1: return rand(2) === 0 ? null : 17;
      case 2: return `oci:/etc${'/'.repeat(rand(3))}`;
      case 3: return Array.from({ length: rand(4) }, () => pieces(depth + 1));
      case 4: return { image: pieces(depth + 1), name: 'c' };
      case 5: return { containers: pieces(depth + 1), initContainers: pieces(depth + 1), ephemeralContainers: pieces(depth + 1), template: pieces(depth + 1), jobTemplate: pieces(depth + 1), spec: pieces(depth + 1) };
      default: return { spec: pieces(depth + 1) };
    }
  };
  for (let i = 0; i < 2000; i++) {
    const kind = kinds[rand(kinds.length)] ?? 'Pod';
    const object = pieces(0);
    const r = readReview(review(kind, object));
    if (typeof r === 'string') continue;
    const { response } = await validate(r, judge, ctx);
    const found = imageSitesOf(kind, undefined, object);
    if (response.allowed) assert.ok(found.kind === 'ok' && found.sites.length === 0, `allowed with images: ${kind} ${JSON.stringify(object)}`);
    const m = await mutate(r, judge, ctx);
    assert.equal(m.patch, undefined, 'nothing unmatched is pinned');
  }
});

test('review: warnings stay under 120 characters and on one line', () => {
  const w = shortWarning(`image ${'x'.repeat(300)}\nsecond line`);
  assert.ok(w.length < 120);
  assert.ok(!w.includes('\n'));
});
