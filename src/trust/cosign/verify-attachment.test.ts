import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Attachment } from '../../sources/image/discover-types.js';
import { sha256Digest } from '../../sources/image/digest.js';
import type { Digest } from '../../sources/image/digest.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { embeddedPublicGoodRoot, trustFromJSON } from '../sigstore/index.js';
import type { SigstoreTrust } from '../sigstore/index.js';
import { verifyAttachment } from './verify-attachment.js';

const FIX = 'containers-image/signature/fixtures';

/** containers/image stores each cosign .sig layer as 0x00 "sigstore-json\n" + {mimeType, payload, annotations}. */
function cosignLayer(path: string, attachedTo: Digest): Extract<Attachment, { kind: 'cosign-signature' }> {
  const bytes = readFileSync(realdata(path));
  const doc = JSON.parse(bytes.subarray(bytes.indexOf(0x0a) + 1).toString('utf8')) as { payload: string; annotations: Record<string, string> };
  return { kind: 'cosign-signature', attachedTo, source: path, payload: Buffer.from(doc.payload, 'base64'), annotations: doc.annotations };
}

const manifestDigest = (dir: string): Digest => sha256Digest(readFileSync(realdata(`${FIX}/${dir}/manifest.json`)));

async function trust(key?: string): Promise<SigstoreTrust> {
  const root = await embeddedPublicGoodRoot();
  return trustFromJSON(root, { source: 'public-good', ...(key && { key: { name: key, pem: readFileSync(realdata(key), 'utf8') } }) });
}

const settings = async (key: string | undefined, insecureIgnoreTlog: boolean, expected = {}) => ({ trust: await trust(key), expected, insecureIgnoreTlog, maxDocumentBytes: 1 << 20 });

test('cosign signatures (containers/image): key-signed without a log proof verifies only with --insecure-ignore-tlog', needsRealdata(), async () => {
  const att = cosignLayer(`${FIX}/dir-img-cosign-valid/signature-1`, manifestDigest('dir-img-cosign-valid'));
  const ok = await verifyAttachment(att, await settings(`${FIX}/cosign.pub`, true));
  assert.equal(ok.signature?.verified, true, ok.signature?.message);
  assert.equal(ok.signature?.attachedTo, att.attachedTo);
  const noLog = await verifyAttachment(att, await settings(`${FIX}/cosign.pub`, false));
  assert.equal(noLog.signature?.verified, false);
  assert.equal(noLog.signature?.code, 'TLOG_ENTRY_MISSING');
  const otherKey = await verifyAttachment(att, await settings(`${FIX}/cosign2.pub`, true));
  assert.equal(otherKey.signature?.verified, false);
  const noKey = await verifyAttachment(att, await settings(undefined, true));
  assert.equal(noKey.signature?.verified, false);
});

test('cosign signatures: a valid signature over another digest never counts', needsRealdata(), async () => {
  const att = cosignLayer(`${FIX}/dir-img-cosign-modified-manifest/signature-1`, manifestDigest('dir-img-cosign-modified-manifest'));
  const r = await verifyAttachment(att, await settings(`${FIX}/cosign.pub`, true));
  assert.equal(r.result?.verified, true, 'the signature itself is fine');
  assert.equal(r.signature?.verified, false);
  assert.equal(r.signature?.code, 'SIGNATURE_DIGEST_MISMATCH');
});

test('cosign signatures: one of two (unknown key + valid) verifies; a non-simple-signing layer does not', needsRealdata(), async () => {
  const digest = manifestDigest('dir-img-cosign-mixed');
  const s = await settings(`${FIX}/cosign.pub`, true);
  const results = await Promise.all([1, 2].map(async (n) => (await verifyAttachment(cosignLayer(`${FIX}/dir-img-cosign-mixed/signature-${n}`, digest), s)).signature?.verified));
  assert.deepEqual(results.sort(), [false, true]);
  const other = await verifyAttachment(cosignLayer(`${FIX}/dir-img-cosign-other-attachment/signature-1`, manifestDigest('dir-img-cosign-other-attachment')), s);
  assert.equal(other.signature?.verified, false);
});

test('cosign signatures: keyless with a Rekor SET verifies against the public-good root and the named signer', needsRealdata(), async () => {
  const dir = 'dir-img-cosign-fulcio-rekor-valid';
  const att = cosignLayer(`${FIX}/${dir}/signature-1`, manifestDigest(dir));
  const expected = { identity: 'mitr@redhat.com', issuer: 'https://github.com/login/oauth' };
  const ok = await verifyAttachment(att, await settings(undefined, false, expected));
  assert.equal(ok.signature?.verified, true, ok.signature?.message);
  assert.equal(ok.signature?.identity, 'mitr@redhat.com');
  assert.equal(ok.signature?.tlog?.[0]?.proof, 'promise');
  const wrongSigner = await verifyAttachment(att, await settings(undefined, false, { ...expected, identity: 'someone@example.com' }));
  assert.equal(wrongSigner.signature?.verified, false);
  const { 'dev.sigstore.cosign/bundle': _set, ...withoutSet } = att.annotations;
  assert.equal((await verifyAttachment({ ...att, annotations: withoutSet }, await settings(undefined, false, expected))).signature?.verified, false);
  const bundle = JSON.parse(att.annotations['dev.sigstore.cosign/bundle'] ?? '{}') as { Payload: { integratedTime: number } };
  bundle.Payload.integratedTime += 1;
  const shifted = { ...att, annotations: { ...att.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(bundle) } };
  assert.equal((await verifyAttachment(shifted, await settings(undefined, false, expected))).signature?.verified, false);
  const flipped = Buffer.from(att.payload);
  flipped[flipped.length - 2] = 0x20;
  assert.equal((await verifyAttachment({ ...att, payload: flipped }, await settings(undefined, false, expected))).signature?.verified, false);
});

test('sigstore bundle artifact (cosign v3 OCI attestation) verifies against its trust root and subject digest', needsRealdata(), async () => {
  const bundle = readFileSync(realdata('sigstore-cosign/pkg/cosign/testdata/oci-attestation.sigstore.json'));
  const root = JSON.parse(readFileSync(realdata('sigstore-cosign/pkg/cosign/testdata/trusted_root_pgi.json'), 'utf8')) as unknown;
  const s = { trust: trustFromJSON(root, { source: 'pgi' }), expected: {}, insecureIgnoreTlog: false, maxDocumentBytes: 1 << 20 };
  const att: Attachment = { kind: 'sigstore-bundle', attachedTo: 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4', source: 'referrer', bundle, annotations: {} };
  const ok = await verifyAttachment(att, s);
  assert.equal(ok.attestation?.verified, true, ok.attestation?.message);
  assert.equal(ok.attestation?.predicateType, 'https://cosign.sigstore.dev/attestation/v1');
  const other = await verifyAttachment({ ...att, attachedTo: `sha256:${'1'.repeat(64)}` }, s);
  assert.equal(other.attestation?.verified, false);
});

test('cosign signatures: --docker-reference must be the payload docker-reference exactly (containers/image matchExact)', needsRealdata(), async () => {
  const cases: [string, string, string][] = [
    ['dir-img-cosign-valid', '192.168.64.2:5000/cosign-signed-single-sample', 'testing/manifest:notlatest'],
    ['dir-img-cosign-valid-with-tag', '192.168.64.2:5000/skopeo-signed:tag', '192.168.64.2:5000/skopeo-signed:othertag'],
  ];
  for (const [dir, right, wrong] of cases) {
    const att = cosignLayer(`${FIX}/${dir}/signature-1`, manifestDigest(dir));
    const base = await settings(`${FIX}/cosign.pub`, true);
    const ok = await verifyAttachment(att, { ...base, dockerReference: right });
    assert.equal(ok.signature?.verified, true, `${dir}: ${ok.signature?.message ?? ''}`);
    const other = await verifyAttachment(att, { ...base, dockerReference: wrong });
    assert.equal(other.signature?.verified, false, dir);
    assert.equal(other.signature?.code, 'SIGNATURE_REFERENCE_MISMATCH');
  }
});
