/**
 * Keyless signatures and attestations through a real registry, signed by @sigstore/mock's real CA,
 * CT log and Rekor (SETs, inclusion proofs) with @sigstore/sign, stored the ways cosign stores
 * them: a `.sig` simple-signing layer and a `.att` DSSE layer with cosign's annotations, and a
 * Sigstore bundle v0.3 referrer found through the referrers tag.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bundleToJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import { DSSEBundleBuilder, FulcioSigner, MessageSignatureBundleBuilder, RekorWitness } from '@sigstore/sign';
import nock from 'nock';
import { toImageOptions } from '../cli/options.js';
import { noopLogger } from '../context.js';
import type { Evidence } from '../evidence/index.js';
import { attachmentManifest, blobOf, buildImage, indexOf, needsRegistry, pushAttachment, pushBlob, pushImage, pushManifest, startRegistry, tempDir } from '../testing/registry.js';
import type { TestRegistry } from '../testing/registry.js';
import { collectImageEvidence } from './image.js';

const FULCIO = 'https://fulcio.mock.test';
const REKOR = 'https://rekor.mock.test';
const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const skip = needsRegistry();

type HandlerFn = (req: string) => Promise<{ statusCode: number; response: string | ArrayBufferView; contentType?: string }>;
const serve = (base: string, h: { path: string; fn: HandlerFn }): void => {
  nock(base)
    .persist()
    .post(h.path)
    .reply(async (_uri, body) => {
      const r = await h.fn(typeof body === 'string' ? body : JSON.stringify(body));
      return [r.statusCode, r.response as string, { 'Content-Type': r.contentType ?? 'text/plain' }];
    });
};
const b64 = (b: ArrayBufferView): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const spki = (k: crypto.KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });
const sha = (b: Uint8Array | string): Buffer => crypto.createHash('sha256').update(b).digest();

let reg: TestRegistry;
let digest: string;
let unloggedDigest: string;
let rootFile: string;
/** The Rekor v1 API form of the log entry the unlogged signature's bundle carried. */
let apiEntry: Record<string, unknown>;
/** The same for the v1 image's signature: a genuine entry, but for another signature. */
let foreignEntry: Record<string, unknown>;
const tmp = tempDir('vouch-keyless-');

/** cosign's annotations for a bundle's proof material (what `cosign sign/attest` writes). */
function cosignAnnotations(bundle: Bundle): Record<string, string> {
  const material = bundle.verificationMaterial;
  const cert = material.content.$case === 'x509CertificateChain' ? material.content.x509CertificateChain.certificates[0]?.rawBytes : material.content.$case === 'certificate' ? material.content.certificate.rawBytes : undefined;
  const entry = material.tlogEntries[0];
  if (!cert || !entry?.inclusionPromise || !entry.logId) throw new Error('mock bundle lacks certificate or SET');
  const pem = `-----BEGIN CERTIFICATE-----\n${b64(cert).replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
  const rekorBundle = {
    SignedEntryTimestamp: b64(entry.inclusionPromise.signedEntryTimestamp),
    Payload: { body: b64(entry.canonicalizedBody), integratedTime: Number(entry.integratedTime), logIndex: Number(entry.logIndex), logID: Buffer.from(entry.logId.keyId).toString('hex') },
  };
  return { 'dev.sigstore.cosign/certificate': pem, 'dev.sigstore.cosign/bundle': JSON.stringify(rekorBundle) };
}

before(async () => {
  if (skip.skip) return;
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const kp = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const [caKeys, ctKeys, rekorKeys] = [kp(), kp(), kp()];
  const clock = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
  const ctlog = await initializeCTLog(ctKeys, clock);
  const ca = await initializeCA(caKeys, ctlog, clock);
  const tlog = await initializeTLog(REKOR, rekorKeys, clock);
  serve(FULCIO, fulcioHandler(ca) as unknown as { path: string; fn: HandlerFn });
  serve(REKOR, rekorHandler(tlog) as unknown as { path: string; fn: HandlerFn });
  const start = new Date(Date.now() - 3600_000).toISOString();
  rootFile = join(tmp.dir, 'trusted_root.json');
  writeFileSync(
    rootFile,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [{ baseUrl: REKOR, hashAlgorithm: 'SHA2_256', logId: { keyId: b64(sha(spki(rekorKeys.publicKey))) }, publicKey: { rawBytes: b64(spki(rekorKeys.publicKey)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } } }],
      certificateAuthorities: [{ subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: FULCIO, certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] }, validFor: { start } }],
      ctlogs: [{ baseUrl: 'https://ctfe.mock.test', hashAlgorithm: 'SHA2_256', logId: { keyId: b64(ctlog.logID) }, publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } } }],
      timestampAuthorities: [],
    }),
  );
  const jwt = `${[{ alg: 'none' }, { iss: ISSUER, sub: SAN, aud: 'sigstore' }].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.')}.`;
  const signer = new FulcioSigner({ fulcioBaseURL: FULCIO, identityProvider: { getToken: async () => jwt } });

  reg = await startRegistry();
  const image = await buildImage([{ files: [{ path: 'usr/bin/app', content: 'keyless' }] }]);
  digest = await pushImage(reg, 'demo/keyless', 'v1', image);

  // cosign sign: a simple-signing payload, hashedrekord entry; stored as a .sig layer.
  const payload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': `${reg.host}/demo/keyless` }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
  const sigBundle = await new MessageSignatureBundleBuilder({ signer, witnesses: [new RekorWitness({ rekorBaseURL: REKOR })] }).create({ data: payload });
  const signature = sigBundle.content.$case === 'messageSignature' ? b64(sigBundle.content.messageSignature.signature) : '';
  await pushAttachment(reg, 'demo/keyless', `sha256-${digest.slice(7)}.sig`, [
    blobOf(payload, 'application/vnd.dev.cosign.simplesigning.v1+json', { 'dev.cosignproject.cosign/signature': signature, ...cosignAnnotations(sigBundle) }),
  ]);
  foreignEntry = rekorApiEntry(sigBundle);

  // A keyless .sig whose layer carries the certificate but no Rekor bundle annotation (signed with
  // cosign's --tlog-upload off, or stored by a tool that drops it): only --rekor-url can prove it.
  const unlogged = await buildImage([{ files: [{ path: 'usr/bin/app', content: 'unlogged' }] }]);
  unloggedDigest = await pushImage(reg, 'demo/keyless', 'unlogged', unlogged);
  const unloggedPayload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': `${reg.host}/demo/keyless` }, image: { 'docker-manifest-digest': unloggedDigest }, type: 'cosign container image signature' }, optional: null }));
  const unloggedBundle = await new MessageSignatureBundleBuilder({ signer, witnesses: [new RekorWitness({ rekorBaseURL: REKOR })] }).create({ data: unloggedPayload });
  const unloggedSig = unloggedBundle.content.$case === 'messageSignature' ? b64(unloggedBundle.content.messageSignature.signature) : '';
  const { 'dev.sigstore.cosign/certificate': certificate } = cosignAnnotations(unloggedBundle);
  await pushAttachment(reg, 'demo/keyless', `sha256-${unloggedDigest.slice(7)}.sig`, [
    blobOf(unloggedPayload, 'application/vnd.dev.cosign.simplesigning.v1+json', { 'dev.cosignproject.cosign/signature': unloggedSig, 'dev.sigstore.cosign/certificate': certificate ?? '' }),
  ]);
  apiEntry = rekorApiEntry(unloggedBundle);

  // cosign attest: a DSSE envelope (intoto v0.0.2 entry) stored as a .att layer ...
  const statement = { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://example.com/test-result/v1', subject: [{ name: 'app', digest: { sha256: digest.slice(7) } }], predicate: { passed: true } };
  const attBundle = await new DSSEBundleBuilder({ signer, witnesses: [new RekorWitness({ rekorBaseURL: REKOR, entryType: 'intoto' })] }).create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' });
  const env = attBundle.content.$case === 'dsseEnvelope' ? attBundle.content.dsseEnvelope : undefined;
  const envelope = JSON.stringify({ payloadType: env?.payloadType, payload: b64(env?.payload ?? new Uint8Array()), signatures: env?.signatures.map((s) => ({ keyid: s.keyid, sig: b64(s.sig) })) });
  await pushAttachment(reg, 'demo/keyless', `sha256-${digest.slice(7)}.att`, [
    blobOf(envelope, 'application/vnd.dsse.envelope.v1+json', { 'dev.cosignproject.cosign/signature': '', predicateType: statement.predicateType, ...cosignAnnotations(attBundle) }),
  ]);

  // ... and the same attestation as a Sigstore bundle referrer (cosign v3), via the referrers tag.
  const bundleBlob = blobOf(JSON.stringify(bundleToJSON(attBundle)), 'application/vnd.dev.sigstore.bundle.v0.3+json');
  const subject = { mediaType: image.manifest.mediaType, digest, size: image.manifest.bytes.length };
  const referrer = attachmentManifest([bundleBlob], { artifactType: bundleBlob.mediaType, subject, annotations: { 'dev.sigstore.bundle.predicateType': statement.predicateType } });
  for (const b of [referrer.config, bundleBlob]) await pushBlob(reg, 'demo/keyless', b.bytes);
  await pushManifest(reg, 'demo/keyless', referrer.manifest.digest, referrer.manifest.bytes, referrer.manifest.mediaType);
  const list = indexOf([{ blob: referrer.manifest }]);
  await pushManifest(reg, 'demo/keyless', `sha256-${digest.slice(7)}`, list.bytes, list.mediaType);
});

after(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await reg?.stop();
  tmp.remove();
});

/** What GET /api/v1/log/entries/{uuid} returns for the bundle's (only) log entry. */
function rekorApiEntry(bundle: Bundle): Record<string, unknown> {
  const e = bundle.verificationMaterial.tlogEntries[0];
  const proof = e?.inclusionProof;
  if (!e?.inclusionPromise || !proof?.checkpoint || !e.logId) throw new Error('mock bundle lacks SET or proof');
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const uuid = crypto.createHash('sha256').update(e.canonicalizedBody).digest('hex');
  return {
    [uuid]: {
      body: b64(e.canonicalizedBody),
      integratedTime: Number(e.integratedTime),
      logID: hex(e.logId.keyId),
      logIndex: Number(e.logIndex),
      verification: {
        signedEntryTimestamp: b64(e.inclusionPromise.signedEntryTimestamp),
        inclusionProof: { logIndex: Number(proof.logIndex), treeSize: Number(proof.treeSize), rootHash: hex(proof.rootHash), hashes: proof.hashes.map(hex), checkpoint: proof.checkpoint.envelope },
      },
    },
  };
}

/** A loopback Rekor that finds `entries` for any hash. */
async function startRekor(entries: Record<string, unknown>[]): Promise<{ url: string; server: Server }> {
  const byUuid = Object.fromEntries(entries.map((e) => [Object.keys(e)[0] ?? '', e]));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const m = /^\/api\/v1\/log\/entries\/([0-9a-f]+)$/.exec(req.url ?? '');
      if (req.method === 'POST' && req.url === '/api/v1/index/retrieve') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Object.keys(byUuid)));
      else if (m?.[1] && byUuid[m[1]]) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(byUuid[m[1]]));
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const collect = (flags: Record<string, unknown>, ref = `${reg.host}/demo/keyless:v1`): Promise<Evidence> =>
  collectImageEvidence(toImageOptions(ref, { platform: 'linux/amd64', 'trusted-root': rootFile, ...flags }), { now: new Date(), log: noopLogger });

test('keyless e2e: a signature without log proof fails offline and verifies with --rekor-url', skip, async () => {
  const who = { 'certificate-identity': SAN, 'certificate-oidc-issuer': ISSUER };
  const ref = `${reg.host}/demo/keyless:unlogged`;
  const offline = await collect(who, ref);
  assert.equal(offline.signatures[0]?.code, 'TLOG_ENTRY_MISSING');
  const rekor = await startRekor([apiEntry]);
  try {
    const online = await collect({ ...who, 'rekor-url': rekor.url }, ref);
    assert.equal(online.signatures[0]?.verified, true, online.signatures[0]?.message);
    assert.equal(online.checks.find((c) => c.id === 'image.signature')?.status, 'pass');
  } finally {
    rekor.server.close();
  }
  // A genuine log entry for another signature proves nothing about this one.
  const foreign = await startRekor([foreignEntry]);
  try {
    const other = await collect({ ...who, 'rekor-url': foreign.url }, ref);
    assert.equal(other.signatures[0]?.verified, false);
    assert.equal(other.checks.find((c) => c.id === 'image.signature')?.status, 'fail');
  } finally {
    foreign.server.close();
  }
  const empty = await startRekor([]);
  try {
    const missing = await collect({ ...who, 'rekor-url': empty.url }, ref);
    assert.equal(missing.signatures[0]?.code, 'TLOG_ENTRY_MISSING');
  } finally {
    empty.server.close();
  }
});

test('keyless e2e: cosign .sig and .att from a mock Fulcio/Rekor verify; the bundle referrer too', skip, async () => {
  const e = await collect({ 'certificate-identity': SAN, 'certificate-oidc-issuer': ISSUER });
  const sig = e.signatures.find((s) => s.kind === 'cosign-simple-signing');
  assert.equal(sig?.verified, true, sig?.message);
  assert.equal(sig?.identity, SAN);
  assert.equal(sig?.tlog?.[0]?.proof, 'promise');
  assert.equal(e.checks.find((c) => c.id === 'image.signature')?.status, 'pass');
  const atts = e.attestations.filter((a) => a.predicateType === 'https://example.com/test-result/v1');
  assert.equal(atts.length, 2, JSON.stringify(e.attestations));
  for (const a of atts) assert.equal(a.verified, true, `${a.source}: ${a.message}`);
  assert.ok(atts.some((a) => a.source.includes('referrer')));
  assert.deepEqual(e.warnings, []);
});

test('keyless e2e: another identity, another issuer or the public-good root never verify', skip, async () => {
  const other = await collect({ 'certificate-identity': 'https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main', 'certificate-oidc-issuer': ISSUER });
  assert.equal(other.checks.find((c) => c.id === 'image.signature')?.status, 'fail');
  assert.ok(other.attestations.every((a) => !a.verified));
  const issuer = await collect({ 'certificate-identity': SAN, 'certificate-oidc-issuer': 'https://accounts.google.com' });
  assert.equal(issuer.checks.find((c) => c.id === 'image.signature')?.status, 'fail');
  const publicGood = await collect({ 'certificate-identity': SAN, 'certificate-oidc-issuer': ISSUER, 'trusted-root': undefined });
  assert.equal(publicGood.checks.find((c) => c.id === 'image.signature')?.status, 'fail');
  assert.ok(publicGood.signatures.every((s) => !s.verified));
});
