import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { needsRegistry, pushLayoutDir, startProxy, startRegistry, tempDir } from '../testing/registry.js';
import type { TestRegistry } from '../testing/registry.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';

/**
 * The CI-then-admission round trip of docs/vsa.md against a real registry (Debian's
 * docker-registry, distribution 2.8, on loopback): a CI run verifies the sample image in full and
 * attaches a signed VSA; admission then passes through the VSA alone, and falls back to full
 * verification (saying why) for a VSA from an untrusted key, for another policy, when it is too
 * old, or when it records a failure. distribution 2.8 has no referrers API, so the VSA goes to the
 * cosign .att tag: that is the fallback path this test shows.
 */
const manifest = sampleManifest();
const opts = { ...needsRegistry(), timeout: 300_000 };
const trust = ['--platform', 'linux/amd64', '--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot, '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri];

let reg: TestRegistry | undefined;
const tmp = tempDir('vouch-vsa-e2e-');
const keys = { ciKey: join(tmp.dir, 'ci.key'), ciPub: join(tmp.dir, 'ci.pub'), otherPub: join(tmp.dir, 'other.pub') };

before(async () => {
  if (opts.skip) return;
  const ci = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(keys.ciKey, ci.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(keys.ciPub, ci.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(keys.otherPub, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  reg = await startRegistry();
  await pushLayoutDir(reg, samplePath(manifest.image.layout), 'sample/hello');
  const twin = manifest.twins.find((t) => t.name === 'modified-file')?.image;
  assert.ok(twin);
  await pushLayoutDir(reg, samplePath(twin.layout), 'sample/modified');
});

after(async () => {
  await reg?.stop();
  tmp.remove();
});

interface Report {
  readonly verdict: string;
  readonly evidence: { readonly vsa?: { used: boolean; reason: string; source?: string; digest?: string; verifier?: string }; readonly checks: readonly { id: string }[] };
}
const reportOf = (r: CliResult): Report => JSON.parse(r.stdout) as Report;
const image = (repo: string) => `${reg?.host ?? ''}/${repo}:${manifest.image.tag}`;

test('CI writes and attaches a VSA; admission passes through it without reading a layer', opts, async () => {
  const out = join(tmp.dir, 'hello.vsa.json');
  const ci = await runCli(['image', image('sample/hello'), ...trust, '--vsa-key', keys.ciKey, '--vsa-output', out, '--vsa-attach']);
  assert.equal(ci.code, 0, ci.stderr);
  assert.match(ci.stderr, /VSA \(PASSED\) written to/);
  assert.match(ci.stderr, /attached as a layer of the \.att tag/, 'distribution 2.8 has no referrers API: the .att fallback');
  assert.doesNotMatch(ci.stderr + ci.stdout, /PRIVATE KEY/);

  const admit = await runCli(['image', image('sample/hello'), ...trust, '--vsa-public-key', keys.ciPub, '--format', 'json']);
  assert.equal(admit.code, 0, admit.stderr);
  const report = reportOf(admit);
  assert.equal(report.verdict, 'pass');
  assert.equal(report.evidence.vsa?.used, true, JSON.stringify(report.evidence.vsa));
  assert.match(report.evidence.vsa?.source ?? '', /\.att layer/);
  assert.equal(report.evidence.vsa?.verifier, 'https://vouch.dev/verifier');
  assert.ok(!report.evidence.checks.some((c) => c.id === 'image.layers'), 'no layer was read');

  // The attached VSA does not disturb a full verification of the same image.
  const full = await runCli(['image', image('sample/hello'), ...trust, '--format', 'json']);
  assert.equal(full.code, 0, `${full.stderr}\n${full.stdout.slice(0, 2000)}`);
  assert.equal(reportOf(full).evidence.vsa, undefined);
});

test('admission falls back to full verification, saying why, for an untrusted key, another policy, a stale VSA', opts, async () => {
  const cases: { args: string[]; reason: RegExp; code: number }[] = [
    { args: ['--vsa-public-key', keys.otherPub], reason: /^VSA_SIGNATURE_INVALID/, code: 0 },
    { args: ['--vsa-public-key', keys.ciPub, '--policy', 'signature'], reason: /^VSA_POLICY_MISMATCH/, code: 0 },
    { args: ['--vsa-public-key', keys.ciPub, '--vsa-max-age', '1s', '--effective-time', new Date(Date.now() + 60_000).toISOString()], reason: /^VSA_TOO_OLD/, code: 0 },
    { args: ['--vsa-public-key', keys.ciPub, '--vsa-verifier-id', 'https://ci.example/verifier'], reason: /^VSA_VERIFIER_UNTRUSTED/, code: 0 },
  ];
  for (const c of cases) {
    const r = await runCli(['image', image('sample/hello'), ...trust, ...c.args, '--format', 'json']);
    assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stderr}`);
    const report = reportOf(r);
    assert.equal(report.evidence.vsa?.used, false, c.args.join(' '));
    assert.match(report.evidence.vsa?.reason ?? '', c.reason, c.args.join(' '));
    assert.ok(report.evidence.checks.some((x) => x.id === 'image.layers'), `${c.args.join(' ')}: verified in full`);
  }
});

test('a failing image gets a FAILED VSA, which never admits it', opts, async () => {
  const out = join(tmp.dir, 'modified.vsa.json');
  const ci = await runCli(['image', image('sample/modified'), ...trust, '--vsa-key', keys.ciKey, '--vsa-output', out, '--vsa-attach']);
  assert.equal(ci.code, 1, ci.stderr);
  assert.match(ci.stderr, /VSA \(FAILED\) written/);
  const payload = JSON.parse(Buffer.from((JSON.parse(readFileSync(out, 'utf8')) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString()) as { predicate: { verificationResult: string; verifiedLevels: string[] } };
  assert.equal(payload.predicate.verificationResult, 'FAILED');
  assert.deepEqual(payload.predicate.verifiedLevels, ['FAILED']);
  const admit = await runCli(['image', image('sample/modified'), ...trust, '--vsa-public-key', keys.ciPub, '--format', 'json']);
  assert.equal(admit.code, 1, admit.stderr);
  assert.match(reportOf(admit).evidence.vsa?.reason ?? '', /VSA_RESULT_MISMATCH/);
  // The passing image's VSA, offered for the failing image, is about another digest.
  const foreign = await runCli(['image', image('sample/modified'), ...trust, '--vsa-public-key', keys.ciPub, '--vsa', join(tmp.dir, 'hello.vsa.json'), '--format', 'json']);
  assert.equal(foreign.code, 1, foreign.stderr);
  assert.match(reportOf(foreign).evidence.vsa?.reason ?? '', /^VSA_SUBJECT_MISMATCH/);
});

/**
 * The referrers path. No registry installed here serves the OCI 1.1 referrers API, so a loopback
 * proxy in front of the real docker-registry adds it, as registries that have it behave: a
 * manifest PUT with a subject is stored upstream, answered with OCI-Subject, and listed by
 * GET /v2/<repo>/referrers/<digest>. Everything else is the real registry.
 */
test('with a referrers API, the VSA is attached as an OCI 1.1 referrer and found there', opts, async () => {
  assert.ok(reg);
  const upstream = reg.url;
  const referrers: Record<string, unknown>[] = [];
  const proxy = await startProxy(upstream, async (req, res) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && /\/referrers\/sha256:[0-9a-f]{64}$/.test(url)) {
      const digest = url.slice(url.lastIndexOf('/') + 1);
      const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: referrers.filter((r) => r['subject'] === digest).map(({ subject: _s, ...d }) => d) });
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }).end(body);
      return true;
    }
    if (req.method === 'PUT' && /\/manifests\//.test(url)) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const up = await fetch(new URL(url, upstream), { method: 'PUT', body, headers: { 'content-type': req.headers['content-type'] ?? '' } });
      const doc = JSON.parse(body.toString()) as { subject?: { digest: string }; artifactType?: string; mediaType: string; annotations?: Record<string, string> };
      const headers: Record<string, string> = { 'docker-content-digest': up.headers.get('docker-content-digest') ?? '' };
      if (up.status === 201 && doc.subject) {
        referrers.push({ subject: doc.subject.digest, mediaType: doc.mediaType, digest: headers['docker-content-digest'], size: body.length, artifactType: doc.artifactType, annotations: doc.annotations });
        headers['oci-subject'] = doc.subject.digest;
      }
      res.writeHead(up.status, headers).end(await up.text());
      return true;
    }
    return false;
  });
  try {
    // A repository of its own: the .att tag of sample/hello has the other tests' VSAs.
    await pushLayoutDir(reg, samplePath(manifest.image.layout), 'sample/referrers');
    const ref = `${proxy.host}/sample/referrers:${manifest.image.tag}`;
    const ci = await runCli(['image', ref, ...trust, '--vsa-key', keys.ciKey, '--vsa-attach']);
    assert.equal(ci.code, 0, ci.stderr);
    assert.match(ci.stderr, /attached as a referrer/);
    assert.equal(referrers.length, 1);
    assert.equal(referrers[0]?.['artifactType'], 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.deepEqual(referrers[0]?.['annotations'], { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/verification_summary/v1', 'dev.sigstore.bundle.content': 'dsse-envelope' });
    const admit = await runCli(['image', ref, ...trust, '--vsa-public-key', keys.ciPub, '--format', 'json']);
    assert.equal(admit.code, 0, admit.stderr);
    const vsa = reportOf(admit).evidence.vsa;
    assert.equal(vsa?.used, true, JSON.stringify(vsa));
    assert.match(vsa?.source ?? '', /referrer sha256:/);
  } finally {
    await proxy.close();
  }
});

test('--vsa-attach needs a registry image; VSA flags without their key are usage errors', async () => {
  const layout = `oci:${samplePath(manifest.image.layout)}:${manifest.image.tag}`;
  for (const args of [
    ['--vsa-key', SAMPLE_KEYS.cosign, '--vsa-attach'],
    ['--vsa-output', join(tmp.dir, 'x.json')],
    ['--vsa', join(tmp.dir, 'x.json')],
    ['--vsa-max-age', '1h'],
  ]) {
    const r = await runCli(['image', layout, ...trust, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
});
