import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Pod } from 'kubernetes-models/v1';
import { assertAdmissionReview, reviewFor } from '../testing/admission-review.js';
import { runCli } from '../testing/cli.js';
import { needsRegistry, pushBlob, pushLayoutDir, pushManifest, startRegistry, tempDir } from '../testing/registry.js';
import type { TestRegistry } from '../testing/registry.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';
import { httpsRequest, makeTlsPair, needsOpenssl, startServe } from '../testing/serve.js';
import type { ServeProcess } from '../testing/serve.js';

/**
 * The other half of docs/vsa.md's workflow: CI verifies the sample image in full and attaches a
 * signed VSA to the tests' registry (Debian's docker-registry: the cosign .att tag), and
 * `vouch serve` admits the image through that VSA with the default policy, which judges the
 * contents and so could never be checked at admission otherwise. Every VSA that must not count
 * (an untrusted key, a stale one, another verifier, a FAILED result, none at all) denies the
 * image, saying why; a VSA for other policies falls back to verification of what admission can
 * check.
 */
const sample = sampleManifest();
const skip = needsRegistry().skip ?? needsOpenssl().skip;
const amd64 = sample.image.platforms['linux/amd64'] ?? '';
const trust = { key: SAMPLE_KEYS.cosign, 'trusted-root': SAMPLE_KEYS.trustedRoot, 'certificate-identity': sample.identity, 'certificate-oidc-issuer': sample.issuer, 'source-uri': sample.sourceUri };
const trustFlags = ['--platform', 'linux/amd64', ...Object.entries(trust).flatMap(([k, v]) => [`--${k}`, v])];

let reg: TestRegistry | undefined;
let server: ServeProcess | undefined;
let ca = Buffer.alloc(0);
const tmp = tempDir('vouch-vsa-serve-');

/** Copies a tag (a manifest and its blobs) to another repository: the same VSA, found somewhere else. */
async function copyTag(r: TestRegistry, from: string, to: string, tag: string): Promise<void> {
  const accept = 'application/vnd.oci.image.manifest.v1+json';
  const res = await fetch(`${r.url}/v2/${from}/manifests/${tag}`, { headers: { accept } });
  assert.equal(res.status, 200, `${from}:${tag}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const doc = JSON.parse(bytes.toString()) as { config: { digest: string }; layers: { digest: string }[] };
  for (const d of [doc.config, ...doc.layers]) {
    const blob = await fetch(`${r.url}/v2/${from}/blobs/${d.digest}`);
    await pushBlob(r, to, Buffer.from(await blob.arrayBuffer()));
  }
  await pushManifest(r, to, tag, bytes, res.headers.get('content-type') ?? accept);
}

before(async () => {
  if (skip) return;
  const ci = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ciKey = join(tmp.dir, 'ci.key');
  writeFileSync(ciKey, ci.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(tmp.dir, 'ci.pub'), ci.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(tmp.dir, 'other.pub'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  reg = await startRegistry();
  const host = reg.host;
  const layout = samplePath(sample.image.layout);
  const twin = sample.twins.find((t) => t.name === 'modified-file')?.image;
  assert.ok(twin);
  await pushLayoutDir(reg, layout, 'vsa/hello');
  await pushLayoutDir(reg, samplePath(twin.layout), 'vsa/modified');
  // CI: verify in full with the default policy and attach the VSA (PASSED for hello, FAILED for the tampered twin).
  for (const [repo, code] of [['vsa/hello', 0], ['vsa/modified', 1]] as const) {
    const run = await runCli(['image', `${host}/${repo}:${sample.image.tag}`, ...trustFlags, '--vsa-key', ciKey, '--vsa-attach']);
    assert.equal(run.code, code, run.stderr);
    assert.match(run.stderr, /attached as a layer of the \.att tag/);
  }
  // The passing VSA, beside copies of the image that admission judges under other entries.
  for (const repo of ['vsa/untrusted', 'vsa/stale', 'vsa/verifier', 'vsa/lax']) {
    await pushLayoutDir(reg, layout, repo);
    await copyTag(reg, 'vsa/hello', repo, `sha256-${amd64.slice(7)}.att`);
  }
  await pushLayoutDir(reg, layout, 'vsa/none');
  const entry = (repo: string, more: Record<string, unknown> = {}) => ({ pattern: `${host}/${repo}`, ...trust, policy: ['default'], 'vsa-public-key': ['ci.pub'], ...more });
  const config = {
    apiVersion: 'vouch.dev/v1',
    kind: 'AdmissionConfig',
    spec: {
      platform: 'linux/amd64',
      images: [
        entry('vsa/hello'),
        entry('vsa/modified'),
        entry('vsa/untrusted', { 'vsa-public-key': ['other.pub'] }),
        entry('vsa/stale', { 'vsa-max-age': '1ms' }),
        entry('vsa/verifier', { 'vsa-verifier-id': ['https://ci.example/verifier'] }),
        entry('vsa/lax', { policy: ['signature', 'provenance'] }),
        entry('vsa/none'),
      ],
    },
  };
  writeFileSync(join(tmp.dir, 'config.yaml'), JSON.stringify(config));
  const check = await runCli(['serve', '--check-config', '--config', join(tmp.dir, 'config.yaml')]);
  assert.equal(check.code, 0, check.stderr);
  const tls = makeTlsPair(tmp.dir);
  ca = readFileSync(tls.cert);
  server = await startServe(['--config', join(tmp.dir, 'config.yaml'), '--tls-cert', tls.cert, '--tls-key', tls.key, '--timeout', '20s']);
});

after(async () => {
  await server?.stop();
  await reg?.stop();
  tmp.remove();
});

interface Response {
  readonly allowed: boolean;
  readonly status?: { code: number; message: string };
  readonly warnings?: string[];
}

async function validate(repo: string): Promise<Response> {
  const pod = new Pod({ metadata: { name: 'app' }, spec: { containers: [{ name: 'app', image: `${reg?.host ?? ''}/${repo}:${sample.image.tag}` }] } });
  const r = await httpsRequest(server?.port ?? 0, ca, 'POST', '/validate', JSON.stringify(reviewFor(pod)));
  assert.equal(r.status, 200, r.body);
  const doc = JSON.parse(r.body) as { response: Response };
  assertAdmissionReview(doc);
  return doc.response;
}

const lastDecision = (repo: string): Record<string, unknown> | undefined => [...(server?.decisions ?? [])].reverse().find((d) => String(d['image']).includes(`/${repo}:`));

test('vouch serve admits through the CI VSA with a policy that judges the contents; a second request is a cache hit', { skip, timeout: 120_000 }, async () => {
  const first = await validate('vsa/hello');
  assert.equal(first.allowed, true, JSON.stringify(first));
  const log = lastDecision('vsa/hello');
  assert.equal(log?.['vsa'], 'used', JSON.stringify(log));
  assert.match(String(log?.['message']), /admitted through a verification summary of https:\/\/vouch\.dev\/verifier/);
  assert.match(String(log?.['vsaReason']), /^VSA_USED/);
  const again = await validate('vsa/hello');
  assert.equal(again.allowed, true);
  assert.equal(lastDecision('vsa/hello')?.['cache'], 'hit');
  const metrics = await httpsRequest(server?.port ?? 0, ca, 'GET', '/metrics');
  assert.match(metrics.body, /vouch_admission_vsa_total\{result="used"\} 1/);
});

test('vouch serve denies, saying why, when no VSA can stand in for a contents policy', { skip, timeout: 120_000 }, async () => {
  const cases: [string, RegExp][] = [
    ['vsa/modified', /VSA_RESULT_MISMATCH/],
    ['vsa/untrusted', /VSA_SIGNATURE_INVALID/],
    ['vsa/stale', /VSA_TOO_OLD/],
    ['vsa/verifier', /VSA_VERIFIER_UNTRUSTED/],
    ['vsa/none', /VSA_NOT_FOUND/],
  ];
  for (const [repo, reason] of cases) {
    const r = await validate(repo);
    assert.equal(r.allowed, false, `${repo}: ${JSON.stringify(r)}`);
    assert.equal(r.status?.code, 403);
    assert.match(r.status?.message ?? '', /could not be verified \(CONTENTS_REQUIRED\)/, repo);
    assert.match(r.status?.message ?? '', reason, repo);
    assert.equal(lastDecision(repo)?.['vsa'], 'not used', repo);
  }
});

test('a VSA for other policies does not count; the image is verified as admission can (signature, provenance)', { skip, timeout: 120_000 }, async () => {
  const r = await validate('vsa/lax');
  assert.equal(r.allowed, true, JSON.stringify(r));
  const log = lastDecision('vsa/lax');
  assert.equal(log?.['vsa'], 'not used');
  assert.match(String(log?.['vsaReason']), /^VSA_POLICY_MISMATCH/);
  assert.match(String(log?.['message']), /verified by images\[5\]/);
});
