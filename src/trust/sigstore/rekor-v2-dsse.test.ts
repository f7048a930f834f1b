import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { dsse as dsseEncoding } from '@sigstore/core';
import { MOCK_IDENTITY, MOCK_ISSUER, relogged, startSigstoreMock, statementFor } from '../../testing/sigstore-mock.js';
import type { SigstoreMock } from '../../testing/sigstore-mock.js';
import { parseBundleJSON, trustFromJSON, verifyBundle } from './index.js';
import type { ArtifactInput, BundleVerification, SigstoreTrust } from './index.js';

/**
 * DSSE bundles logged to Rekor v2 as `hashedrekord` 0.0.2 "over DSSE": the log records the
 * SHA-256 of PAE(payloadType, payload) and the envelope's signature; the time comes from an
 * RFC 3161 timestamp (Rekor v2 entries have no integrated time).
 */
const ARTIFACT = Buffer.from('a release tarball\n');
const SHA256 = crypto.createHash('sha256').update(ARTIFACT).digest('hex');
const EXPECTED = { identity: MOCK_IDENTITY, issuer: MOCK_ISSUER };
const ARTIFACTS: ArtifactInput[] = [{ kind: 'bytes', bytes: ARTIFACT }, { kind: 'digest', digest: { algorithm: 'sha256', hex: SHA256 } }, { kind: 'dsse-statement' }];
const ENTRY = ['verificationMaterial', 'tlogEntries', 0] as const;

type Json = Record<string, unknown>;
let mock: SigstoreMock;
let trust: SigstoreTrust;
let bundle: Json;
before(async () => {
  mock = await startSigstoreMock();
  trust = trustFromJSON(mock.trustedRoot, { source: 'mock' });
  bundle = await mock.signStatement(statementFor(ARTIFACT), { rekor: 'v2', v2DsseAs: 'hashedrekord' });
});
after(() => mock.stop());

function verify(json: unknown, artifact: ArtifactInput, t: SigstoreTrust = trust, expected: object = EXPECTED): BundleVerification | { code: string; verified: false } {
  const p = parseBundleJSON(json);
  if (!p.ok) return { code: p.code, verified: false };
  return verifyBundle(p, artifact, t, expected);
}
const at = (obj: unknown, path: readonly (string | number)[]): Json => path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], obj) as Json;
const entryOf = (b: Json): Json => at(b, ENTRY);
const bodyOf = (b: Json): Json => JSON.parse(Buffer.from(entryOf(b)['canonicalizedBody'] as string, 'base64').toString('utf8')) as Json;
const spec = (body: Json): { data: { digest: string }; signature: { content: string } } => (body['spec'] as { hashedRekordV002: { data: { digest: string }; signature: { content: string } } }).hashedRekordV002;
const envelope = (b: Json): { payload: string; payloadType: string; signatures: { sig: string }[] } => b['dsseEnvelope'] as { payload: string; payloadType: string; signatures: { sig: string }[] };
const flip = (b64: string, at = 0): string => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64');
};
/** Replaces the bundle's log entry by one the log signed over the given body. */
function withLoggedBody(b: Json, body: Json): Json {
  const copy = structuredClone(b);
  (copy['verificationMaterial'] as { tlogEntries: unknown[] }).tlogEntries[0] = relogged(entryOf(copy), Buffer.from(JSON.stringify(body)), mock.rekorKeys);
  return copy;
}

describe('Rekor v2 hashedrekord-over-DSSE bundles', () => {
  test('the log entry records the digest of the PAE and the envelope signature', () => {
    const kind = entryOf(bundle)['kindVersion'];
    assert.deepEqual(kind, { kind: 'hashedrekord', version: '0.0.2' });
    const env = envelope(bundle);
    const pae = dsseEncoding.preAuthEncoding(env.payloadType, Buffer.from(env.payload, 'base64'));
    assert.equal(spec(bodyOf(bundle)).data.digest, crypto.createHash('sha256').update(pae).digest('base64'));
    assert.equal(spec(bodyOf(bundle)).signature.content, env.signatures[0]?.sig);
    assert.equal(entryOf(bundle)['inclusionPromise'], undefined);
  });

  test('verifies over the file, its digest and as a statement, timed by the TSA', () => {
    for (const artifact of ARTIFACTS) {
      const r = verify(bundle, artifact, trust, artifact.kind === 'dsse-statement' ? { anySigner: true } : EXPECTED) as BundleVerification;
      assert.equal(r.verified, true, `${artifact.kind}: ${r.message}`);
      assert.equal(r.tlog[0]?.proof, 'inclusion-proof');
      assert.equal(r.signedAt, mock.clock.toISOString());
    }
  });

  test('a key-signed envelope verifies with --key', async () => {
    const key = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const keyed = await mock.signStatement(statementFor(ARTIFACT), { rekor: 'v2', v2DsseAs: 'hashedrekord', key });
    const withKey = trustFromJSON(mock.trustedRoot, { source: 'mock', key: { name: 'cosign.pub', pem: key.publicKey.export({ format: 'pem', type: 'spki' }).toString() } });
    const r = verify(keyed, ARTIFACTS[1]!, withKey, {});
    assert.equal(r.verified, true, (r as BundleVerification).message);
  });

  test('another artifact is not a subject', () => {
    assert.equal(verify(bundle, { kind: 'bytes', bytes: Buffer.from('other') }).code, 'STATEMENT_SUBJECT_MISMATCH');
  });
});

describe('tampering with a Rekor v2 hashedrekord-over-DSSE bundle', () => {
  const assertFails = (b: Json, what: string, code?: string): void => {
    for (const artifact of ARTIFACTS) {
      const r = verify(b, artifact, trust, artifact.kind === 'dsse-statement' ? { anySigner: true } : EXPECTED);
      assert.equal(r.verified, false, `${what} (${artifact.kind}) passed`);
      if (code !== undefined) assert.equal(r.code, code, `${what} (${artifact.kind})`);
    }
  };

  test('payload (the logged PAE digest no longer matches)', () => {
    const copy = structuredClone(bundle);
    const statement = JSON.parse(Buffer.from(envelope(copy).payload, 'base64').toString('utf8')) as Json;
    envelope(copy).payload = Buffer.from(JSON.stringify({ ...statement, predicateType: 'https://example.com/other' })).toString('base64');
    assertFails(copy, 'payload', 'TLOG_ENTRY_MISMATCH');
    for (const i of [0, 40]) {
      const flipped = structuredClone(bundle);
      envelope(flipped).payload = flip(envelope(flipped).payload, i);
      assertFails(flipped, `payload byte ${i}`);
    }
  });

  test('payload type (part of the PAE)', () => {
    const copy = structuredClone(bundle);
    envelope(copy).payloadType = 'application/json';
    assertFails(copy, 'payloadType', 'TLOG_ENTRY_MISMATCH');
  });

  test('envelope signature', () => {
    const copy = structuredClone(bundle);
    envelope(copy).signatures[0]!.sig = flip(envelope(copy).signatures[0]!.sig, 10);
    // The TSA token covers the signature, so its timestamp is the first to fail.
    assertFails(copy, 'signature', 'TIMESTAMP_INVALID');
  });

  test('the log entry\'s recorded digest (a body the log signed, for another envelope)', () => {
    const body = bodyOf(bundle);
    spec(body).data.digest = flip(spec(body).data.digest);
    assertFails(withLoggedBody(bundle, body), 'recorded digest', 'TLOG_ENTRY_MISMATCH');
    // The body changed without the log signing again: the inclusion proof no longer holds.
    const unsigned = structuredClone(bundle);
    entryOf(unsigned)['canonicalizedBody'] = Buffer.from(JSON.stringify(body)).toString('base64');
    assertFails(unsigned, 'recorded digest (unsigned)', 'TLOG_INCLUSION_PROOF_INVALID');
  });

  test('the log entry\'s recorded signature', () => {
    const body = bodyOf(bundle);
    spec(body).signature.content = flip(spec(body).signature.content, 10);
    assertFails(withLoggedBody(bundle, body), 'recorded signature', 'TLOG_ENTRY_MISMATCH');
  });

  test('an envelope changed together with a consistent log entry still needs a valid signature', () => {
    const copy = structuredClone(bundle);
    const env = envelope(copy);
    env.payloadType = 'application/vnd.in-toto+json; tampered';
    const body = bodyOf(copy);
    spec(body).data.digest = crypto.createHash('sha256').update(dsseEncoding.preAuthEncoding(env.payloadType, Buffer.from(env.payload, 'base64'))).digest('base64');
    assertFails(withLoggedBody(copy, body), 'relogged envelope', 'SIGNATURE_INVALID');
  });

  test('the TSA token', () => {
    const path = ['verificationMaterial', 'timestampVerificationData', 'rfc3161Timestamps', 0] as const;
    const token = at(bundle, path)['signedTimestamp'] as string;
    const length = Buffer.from(token, 'base64').length;
    for (const i of [Math.floor(length / 3), Math.floor(length / 2), length - 20]) {
      const copy = structuredClone(bundle);
      at(copy, path)['signedTimestamp'] = flip(token, i);
      assertFails(copy, `TSA token byte ${i}`);
    }
    const without = structuredClone(bundle);
    delete (without['verificationMaterial'] as Json)['timestampVerificationData'];
    assertFails(without, 'no TSA token', 'TIMESTAMP_INVALID');
  });
});
