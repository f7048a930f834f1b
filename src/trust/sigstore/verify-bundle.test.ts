import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MOCK_IDENTITY, MOCK_ISSUER, startSigstoreMock, statementFor } from '../../testing/sigstore-mock.js';
import type { SigstoreMock } from '../../testing/sigstore-mock.js';
import { embeddedPublicGoodRoot, parseBundleJSON, trustFromJSON, verifyBundle } from './index.js';
import type { ArtifactInput, BundleVerification, ParsedBundle, SignerExpectation, SigstoreTrust } from './index.js';

const ARTIFACT = Buffer.from('hello wolfi apk\n');
const SHA256 = crypto.createHash('sha256').update(ARTIFACT).digest('hex');
const EXPECTED = { identity: MOCK_IDENTITY, issuer: MOCK_ISSUER };
const bytes: ArtifactInput = { kind: 'bytes', bytes: ARTIFACT };
const digest: ArtifactInput = { kind: 'digest', digest: { algorithm: 'sha256', hex: SHA256 } };

let mock: SigstoreMock;
let trust: SigstoreTrust;
before(async () => {
  mock = await startSigstoreMock();
  trust = trustFromJSON(mock.trustedRoot, { source: 'mock' });
});
after(() => mock.stop());

function parsed(json: unknown): ParsedBundle {
  const p = parseBundleJSON(json);
  assert.ok(p.ok, p.ok ? '' : p.message);
  return p;
}
function verify(json: unknown, artifact: ArtifactInput = bytes, expected: SignerExpectation = EXPECTED, t: SigstoreTrust = trust, insecureIgnoreTlog = false): BundleVerification {
  return verifyBundle(parsed(json), artifact, t, expected, { insecureIgnoreTlog });
}

describe('message signatures (hashedrekord)', () => {
  test('Rekor v1: verifies over the bytes and over the digest, with signer, log entry and time', async () => {
    const bundle = await mock.signBlob(ARTIFACT);
    for (const artifact of [bytes, digest]) {
      const r = verify(bundle, artifact);
      assert.equal(r.verified, true, r.message);
      assert.equal(r.code, 'SIGNATURE_VERIFIED');
      assert.equal(r.signer?.identity, MOCK_IDENTITY);
      assert.equal(r.signer?.issuer, MOCK_ISSUER);
      assert.equal(r.tlog.length, 1);
      assert.equal(r.tlog[0]?.proof, 'inclusion-proof+promise');
      assert.equal(r.signedAt, mock.clock.toISOString());
      assert.deepEqual(Object.values(r.stages).map((s) => s.status), ['pass', 'pass', 'pass']);
    }
  });

  test('Rekor v2 with an RFC 3161 timestamp verifies', async () => {
    const r = verify(await mock.signBlob(ARTIFACT, { rekor: 'v2' }), digest);
    assert.equal(r.verified, true, r.message);
    assert.equal(r.tlog[0]?.proof, 'inclusion-proof');
  });

  test('another artifact fails with ARTIFACT_DIGEST_MISMATCH (bytes and digest)', async () => {
    const bundle = await mock.signBlob(ARTIFACT);
    assert.equal(verify(bundle, { kind: 'bytes', bytes: Buffer.from('other') }).code, 'ARTIFACT_DIGEST_MISMATCH');
    assert.equal(verify(bundle, { kind: 'digest', digest: { algorithm: 'sha256', hex: '00'.repeat(32) } }).code, 'ARTIFACT_DIGEST_MISMATCH');
  });

  test('a message signature cannot be checked against a statement only', async () => {
    assert.equal(verify(await mock.signBlob(ARTIFACT), { kind: 'dsse-statement' }).code, 'ARTIFACT_REQUIRED');
  });
});

describe('identity policy', () => {
  test('exact identity and issuer must both match', async () => {
    const bundle = await mock.signBlob(ARTIFACT);
    assert.equal(verify(bundle, bytes, { identity: 'https://github.com/evil/x' }).code, 'SIGNER_IDENTITY_MISMATCH');
    assert.equal(verify(bundle, bytes, { identity: MOCK_IDENTITY, issuer: 'https://accounts.google.com' }).code, 'SIGNER_ISSUER_MISMATCH');
  });

  test('regular expressions are anchored', async () => {
    const bundle = await mock.signBlob(ARTIFACT);
    assert.equal(verify(bundle, bytes, { identityRegexp: 'https://github\\.com/acme/' }).verified, false);
    assert.equal(verify(bundle, bytes, { identityRegexp: 'https://github\\.com/acme/.*' }).verified, true);
    assert.equal(verify(bundle, bytes, { identityRegexp: '.*', issuerRegexp: 'https://token\\.actions\\.githubusercontent\\.com' }).verified, true);
    assert.equal(verify(bundle, bytes, { identityRegexp: '.*', issuerRegexp: 'token' }).code, 'SIGNER_ISSUER_MISMATCH');
  });

  test('keyless without a named signer never verifies', async () => {
    const r = verify(await mock.signBlob(ARTIFACT), bytes, {});
    assert.equal(r.verified, false);
    assert.equal(r.code, 'SIGNER_NOT_SPECIFIED');
  });

  test('anySigner leaves the signer fields to the caller', async () => {
    const r = verify(await mock.signBlob(ARTIFACT), bytes, { anySigner: true });
    assert.equal(r.verified, true);
    assert.equal(r.signer?.identity, MOCK_IDENTITY);
  });
});

describe('key-signed bundles', () => {
  const key = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  test('verify with the given key, over bytes and digest', async () => {
    const bundle = await mock.signBlob(ARTIFACT, { key });
    const keyed = trustFromJSON(mock.trustedRoot, { source: 'mock', key: { name: 'cosign.pub', pem } });
    for (const artifact of [bytes, digest]) {
      const r = verify(bundle, artifact, {}, keyed);
      assert.equal(r.verified, true, r.message);
      assert.equal(r.signer?.key, 'cosign.pub');
    }
  });

  test('without --key: KEY_REQUIRED; with another key: fails', async () => {
    const bundle = await mock.signBlob(ARTIFACT, { key });
    assert.equal(verify(bundle, bytes, EXPECTED).code, 'KEY_REQUIRED');
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const wrong = trustFromJSON(mock.trustedRoot, { source: 'mock', key: { name: 'other.pub', pem: other } });
    assert.equal(verify(bundle, bytes, {}, wrong).verified, false);
    assert.equal(verify(bundle, digest, {}, wrong).verified, false);
  });

  test('a certificate bundle is not accepted as signed by --key', async () => {
    const keyed = trustFromJSON(mock.trustedRoot, { source: 'mock', key: { name: 'cosign.pub', pem } });
    assert.equal(verify(await mock.signBlob(ARTIFACT), bytes, {}, keyed).code, 'KEY_NOT_USED');
  });

  test('with --key and a named identity, a certificate bundle from that identity verifies, another does not', async () => {
    const keyed = trustFromJSON(mock.trustedRoot, { source: 'mock', key: { name: 'cosign.pub', pem } });
    const bundle = await mock.signBlob(ARTIFACT);
    assert.equal(verify(bundle, bytes, EXPECTED, keyed).verified, true);
    assert.equal(verify(bundle, bytes, { identity: 'https://example.com/other', issuer: MOCK_ISSUER }, keyed).verified, false);
  });
});

describe('DSSE bundles', () => {
  for (const [name, options] of [
    ['dsse, Rekor v1', { entryType: 'dsse' }],
    ['intoto, Rekor v1', { entryType: 'intoto' }],
    ['dsse, Rekor v2', { rekor: 'v2' }],
  ] as const) {
    test(`${name}: the artifact must be a subject of the statement`, async () => {
      const bundle = await mock.signStatement(statementFor(ARTIFACT), options);
      const ok = verify(bundle, digest);
      assert.equal(ok.verified, true, ok.message);
      assert.equal(ok.stages.subject?.code, 'STATEMENT_SUBJECT_MATCHED');
      assert.equal(ok.statement?.predicateType, 'https://slsa.dev/provenance/v1');
      const other = verify(bundle, { kind: 'bytes', bytes: Buffer.from('not the subject') });
      assert.equal(other.verified, false);
      assert.equal(other.code, 'STATEMENT_SUBJECT_MISMATCH');
    });
  }

  test('dsse-statement leaves subjects to the caller; sha512-only subjects match a sha512 digest', async () => {
    const statement = { ...statementFor(ARTIFACT), subject: [{ name: 'pkg', digest: { sha512: crypto.createHash('sha512').update(ARTIFACT).digest('hex') } }] };
    const bundle = await mock.signStatement(statement);
    assert.equal(verify(bundle, { kind: 'dsse-statement' }).stages.subject?.code, 'STATEMENT_READ');
    assert.equal(verify(bundle, bytes).verified, true);
    assert.equal(verify(bundle, digest).code, 'STATEMENT_SUBJECT_MISMATCH');
  });

  test('a payload that is not an in-toto statement fails', async () => {
    const bundle = await mock.signStatement({ hello: 'world' });
    assert.equal(verify(bundle, digest).code, 'STATEMENT_UNSUPPORTED_TYPE');
  });
});

describe('transparency log', () => {
  test('no log entry fails unless --insecure-ignore-tlog, which is reported', async () => {
    const bundle = await mock.signBlob(ARTIFACT, { rekor: 'none', tsa: true });
    const strict = verify(bundle);
    assert.equal(strict.verified, false);
    assert.equal(strict.code, 'TLOG_ENTRY_MISSING');
    const lax = verify(bundle, bytes, EXPECTED, trust, true);
    assert.equal(lax.verified, true, lax.message);
    assert.equal(lax.stages.tlog.status, 'skipped');
    assert.match(lax.warnings.join('\n'), /insecure-ignore-tlog/);
  });

  test('the checkpoint\'s log is the one whose key signed it, whatever the URL (see checkpoint-log.test.ts)', async () => {
    const bundle = await mock.signBlob(ARTIFACT, { rekor: 'v2' });
    const root = structuredClone(mock.trustedRoot) as { tlogs: { baseUrl: string }[] };
    root.tlogs[0]!.baseUrl = 'https://rekor.internal.example';
    const r = verify(bundle, digest, EXPECTED, trustFromJSON(root, { source: 'renamed' }));
    assert.equal(r.verified, true, r.message);
  });

  test('the public-good root does not trust the mock instance', async () => {
    const pg = trustFromJSON(await embeddedPublicGoodRoot(), { source: 'public-good' });
    const r = verify(await mock.signBlob(ARTIFACT), bytes, EXPECTED, pg);
    assert.equal(r.verified, false);
  });
});
