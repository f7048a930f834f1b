import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { toImageOptions } from '../cli/options.js';
import { noopLogger } from '../context.js';
import { isVouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import { discoverAttachments } from '../sources/image/discover.js';
import { OciLayoutCore } from '../sources/image/oci-layout.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { blobOf, buildImage, manifestOf, needsRegistry, pushAttachment, pushImage, startRegistry, tempDir, writeLayout } from '../testing/registry.js';
import type { BuiltImage, TestRegistry } from '../testing/registry.js';
import { embeddedPublicGoodRoot, trustFromJSON } from '../trust/sigstore/index.js';
import { collectImageEvidence } from './image.js';
import { verifyAttachment } from '../trust/cosign/index.js';

const ctx = { now: new Date('2026-01-01T00:00:00Z'), log: noopLogger };
const collect = (ref: string, flags: Record<string, unknown> = {}): Promise<Evidence> => collectImageEvidence(toImageOptions(ref, { platform: 'linux/amd64', ...flags }), ctx);
const check = (e: Evidence, id: string) => e.checks.find((c) => c.id === id);

const SLSA = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/gha_generic_container';
const layout = (v: string, digest: string): string => `oci:${realdata(`${SLSA}/${v}/container_workflow_dispatch`)}@${digest}`;
const V1_10 = ['v1.10.0', 'sha256:e0a0a765d690a5104331cfbac88ebbbf01736c1f87aaa3cd455c516a5ea586a5'] as const;
const V1_4 = ['v1.4.0', 'sha256:a74d89d8dd863ca5dae4a29e0feede81ddf59197849a80784af5a02ab7786925'] as const;
const EXPECT = { 'source-uri': 'github.com/slsa-framework/example-package', 'builder-id': 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml' };

test('image: cosign-saved layouts (dsse and intoto v0.0.1 log entries) give verified SLSA provenance on the index digest', needsRealdata(), async () => {
  for (const [v, digest] of [V1_10, V1_4]) {
    const e = await collect(layout(v, digest), EXPECT);
    const att = e.attestations.find((a) => a.source.includes('cosign/atts'));
    assert.equal(att?.verified, true, `${v}: ${att?.message}`);
    assert.equal(att?.attachedTo, digest);
    assert.equal(att?.interpreted, true);
    assert.equal(e.provenance.length, 1);
    assert.equal(e.provenance[0]?.verified, true);
    assert.ok(e.checks.every((c) => c.status !== 'fail'), JSON.stringify(e.checks.filter((c) => c.status === 'fail')));
    assert.equal(e.expectations['provenance'], true);
    assert.equal(e.subject.kind, 'image');
    assert.equal(e.subject.platform, 'linux/amd64');
  }
  const wrong = await collect(layout(...V1_10), { ...EXPECT, 'source-uri': 'github.com/slsa-framework/example-packageA' });
  assert.equal(check(wrong, 'provenance.expect.source-uri')?.status, 'fail');
  assert.equal(wrong.provenance[0]?.verified, false);
});

test('image: a tampered attestation (payload, subject digest, log promise, certificate) never verifies', needsRealdata(), async () => {
  const core = new OciLayoutCore(realdata(`${SLSA}/v1.10.0/container_workflow_dispatch`), { digest: V1_10[1] }, 1 << 22);
  const found = await discoverAttachments(core, [{ digest: V1_10[1] }], 1 << 22, noopLogger);
  const att = found.attachments.find((a) => a.kind === 'dsse-attestation');
  assert.ok(att && att.kind === 'dsse-attestation');
  const s = { trust: trustFromJSON(await embeddedPublicGoodRoot(), { source: 'public-good' }), expected: {}, insecureIgnoreTlog: false, maxDocumentBytes: 1 << 22 };
  assert.equal((await verifyAttachment(att, s)).attestation?.verified, true);
  const env = JSON.parse(att.envelope.toString('utf8')) as { payload: string };
  const payload = Buffer.from(env.payload, 'base64').toString('utf8').replace('example-package', 'example-packagf');
  const mutations = [
    { ...att, envelope: Buffer.from(JSON.stringify({ ...env, payload: Buffer.from(payload).toString('base64') })) },
    { ...att, attachedTo: `sha256:${'0'.repeat(64)}` as const },
    { ...att, annotations: { ...att.annotations, 'dev.sigstore.cosign/bundle': (att.annotations['dev.sigstore.cosign/bundle'] ?? '').replace(/"logIndex":(\d)/, '"logIndex":9$1') } },
    { ...att, annotations: { ...att.annotations, 'dev.sigstore.cosign/certificate': att.annotations['dev.sigstore.cosign/chain'] ?? '' } },
  ];
  for (const [i, m] of mutations.entries()) assert.equal((await verifyAttachment(m, s)).attestation?.verified, false, `mutation ${i}`);
  // A named signer that did not sign: the attestation does not verify.
  assert.equal((await verifyAttachment(att, { ...s, expected: { identity: 'https://github.com/evil/x/.github/workflows/a.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com' } })).attestation?.verified, false);
});

test('image: apko layout inventory (apk database, embedded SBOMs, layers)', needsRealdata(), async () => {
  const e = await collect(`oci:${realdata('chainguard-dev-apko/internal/cli/testdata/golden')}`);
  assert.equal(e.inventory?.source, 'usr/lib/apk/db/installed');
  assert.deepEqual(e.inventory?.packages.map((p) => `${p.name}-${p.version}`), ['pretend-baselayout-1.0.0-r0', 'replayout-1.0.0-r0']);
  assert.equal(e.inventory?.packages[0]?.checksum, 'Q1m6wB0UFePGN8Drz82pC8y2uAiu8=');
  assert.equal(e.sbom?.status, 'present');
  assert.deepEqual(e.sbom?.documents.map((d) => d.origin), ['var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json', 'var/lib/db/sbom/replayout-1.0.0-r0.spdx.json']);
  assert.equal(e.subject.indexDigest, 'sha256:b5f05e6fc882c97d61c1daee566954ae6fc09924f8e152293e2b97a06092069f');
  assert.equal(check(e, 'image.apk-db')?.status, 'pass');
  assert.equal(e.signatures.length, 0);
  assert.equal(e.expectations['signature'], undefined);
  assert.equal(e.reconciliation?.summary.modified, 0);
  assert.ok((e.reconciliation?.summary.matched ?? 0) >= 3);
  const arm = await collect(`oci:${realdata('chainguard-dev-apko/internal/cli/testdata/golden')}`, { platform: 'linux/arm64' });
  assert.equal(arm.inventory?.packages[0]?.arch, 'aarch64');
});

test('image: a layer that rewrites a packaged file over the real apko layer shows up in the reconciliation', needsRealdata(), async () => {
  const golden = realdata('chainguard-dev-apko/internal/cli/testdata/golden/blobs/sha256');
  const base = blobOf(readFileSync(join(golden, 'c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738')), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const evil = await buildImage([{ files: [{ path: 'etc/os-release', content: 'ID=evil\n' }, { path: 'usr/lib/apk/db/.wh.triggers', content: '' }] }]);
  const top = evil.layers[0] as (typeof evil.layers)[number];
  const config = blobOf(
    JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: ['sha256:20f698463c2755b6dc42b7d07e959ed7455a06e7367d507e829a315898f21a01', JSON.parse(evil.config.bytes.toString('utf8')).rootfs.diff_ids[0]] } }),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = manifestOf(config, [base, top]);
  const dir = tempDir('vouch-evil-');
  try {
    writeLayout(dir.dir, [manifest, config, base, top], [{ blob: manifest }]);
    const e = await collect(`oci:${dir.dir}`);
    assert.equal(e.subject.digest, manifest.digest);
    assert.equal(e.inventory?.layers?.length, 2);
    assert.ok((e.reconciliation?.summary.modified ?? 0) >= 1, JSON.stringify(e.reconciliation?.summary));
    assert.ok(e.reconciliation?.findings.some((f) => f.path === 'etc/os-release'));
  } finally {
    dir.remove();
  }
});

test('image: a legacy docker archive is bound by its config diff_ids', needsRealdata(), async () => {
  const file = realdata('google-go-containerregistry/pkg/v1/tarball/testdata/test_image_1.tar');
  const e = await collect(`docker-archive:${file}`);
  assert.equal(e.inventory?.fileCount, 2);
  assert.match(check(e, 'image.layers')?.message ?? '', /diff_ids/);
  const bytes = readFileSync(file);
  bytes[bytes.indexOf(Buffer.from('foo\n'))] = 0x46;
  const dir = tempDir('vouch-archive-');
  try {
    writeFileSync(join(dir.dir, 'x.tar'), bytes);
    await assert.rejects(collect(`docker-archive:${join(dir.dir, 'x.tar')}`), (err: unknown) => isVouchError(err) && err.code === 'DIGEST_MISMATCH');
  } finally {
    dir.remove();
  }
});

test('image: usage errors and unreadable sources', async () => {
  await assert.rejects(collect('dir:'), (e: unknown) => isVouchError(e) && e.code === 'USAGE');
  await assert.rejects(collect('dir:/nonexistent/dir'), (e: unknown) => isVouchError(e) && e.code === 'NOT_FOUND');
  await assert.rejects(collect('oci:/tmp/x', { platform: 'amd64' }), (e: unknown) => isVouchError(e) && e.code === 'USAGE');
  await assert.rejects(collect('oci:/nonexistent/layout'), (e: unknown) => isVouchError(e) && e.code === 'NOT_FOUND');
});

// ---- end to end through a real registry: key-signed cosign signatures ----
const skip = needsRegistry();
let reg: TestRegistry;
let image: BuiltImage;
let digest: string;
const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const tmp = tempDir('vouch-keys-');
const keyFile = join(tmp.dir, 'cosign.pub');
writeFileSync(keyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));

function simpleSigning(forDigest: string): { layer: ReturnType<typeof blobOf> } {
  const payload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': `${reg.host}/demo/signed` }, image: { 'docker-manifest-digest': forDigest }, type: 'cosign container image signature' }, optional: null }));
  const sig = sign('sha256', payload, keys.privateKey).toString('base64');
  return { layer: blobOf(payload, 'application/vnd.dev.cosign.simplesigning.v1+json', { 'dev.cosignproject.cosign/signature': sig }) };
}

before(async () => {
  if (skip.skip) return;
  reg = await startRegistry();
  image = await buildImage([{ files: [{ path: 'usr/bin/app', content: 'app' }] }]);
  digest = await pushImage(reg, 'demo/signed', 'v1', image);
  await pushAttachment(reg, 'demo/signed', `sha256-${digest.slice(7)}.sig`, [simpleSigning(digest).layer]);
  const other = await pushImage(reg, 'demo/signed', 'v2', await buildImage([{ files: [{ path: 'usr/bin/app', content: 'other' }] }]));
  // v2 carries a genuine signature, but for v1's digest: it must not count for v2.
  await pushAttachment(reg, 'demo/signed', `sha256-${other.slice(7)}.sig`, [simpleSigning(digest).layer]);
});

after(async () => {
  await reg?.stop();
  tmp.remove();
});

test('image e2e: a key-signed cosign signature verifies by tag and by digest (log proof waived)', skip, async () => {
  for (const ref of [`${reg.host}/demo/signed:v1`, `${reg.host}/demo/signed@${digest}`]) {
    const e = await collect(ref, { key: keyFile, 'insecure-ignore-tlog': true });
    assert.equal(e.subject.digest, digest);
    assert.equal(check(e, 'image.signature')?.status, 'pass', ref);
    assert.equal(e.signatures[0]?.source, `${reg.host}/demo/signed:sha256-${digest.slice(7)}.sig layer 0`);
    assert.equal(e.expectations['signature'], true);
    assert.ok(e.warnings.some((w) => /transparency-log/.test(w)));
  }
});

test('image e2e: without --insecure-ignore-tlog, with another key, or for another digest the signature fails', skip, async () => {
  const noLog = await collect(`${reg.host}/demo/signed:v1`, { key: keyFile });
  assert.equal(check(noLog, 'image.signature')?.status, 'fail');
  assert.equal(noLog.signatures[0]?.code, 'TLOG_ENTRY_MISSING');
  const otherKeyFile = join(tmp.dir, 'other.pub');
  writeFileSync(otherKeyFile, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
  const otherKey = await collect(`${reg.host}/demo/signed:v1`, { key: otherKeyFile, 'insecure-ignore-tlog': true });
  assert.equal(check(otherKey, 'image.signature')?.status, 'fail');
  const otherDigest = await collect(`${reg.host}/demo/signed:v2`, { key: keyFile, 'insecure-ignore-tlog': true });
  assert.equal(check(otherDigest, 'image.signature')?.status, 'fail');
  assert.equal(otherDigest.signatures[0]?.code, 'SIGNATURE_DIGEST_MISMATCH');
  await pushImage(reg, 'demo/signed', 'unsigned', await buildImage([{ files: [{ path: 'x', content: 'unsigned' }] }]));
  const unsigned = await collect(`${reg.host}/demo/signed:unsigned`, { key: keyFile, 'insecure-ignore-tlog': true });
  assert.equal(check(unsigned, 'image.signature')?.code, 'SIGNATURE_NOT_FOUND');
  assert.equal(check(unsigned, 'image.signatures.lookup')?.code, 'ATTACHMENTS_NONE');
});
