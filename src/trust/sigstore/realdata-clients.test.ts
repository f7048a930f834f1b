/**
 * Real bundles of the Sigstore clients (sigstore-js, sigstore-python, CPython's release) the way
 * their users hold them: an npm package by its sha512 integrity, the statement file itself, a
 * bundle whose proof has no checkpoint, timestamps from an authority the root does not list.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { embeddedPublicGoodRoot, parseBundle, trustFromJSON, verifyBundle } from './index.js';
import type { ArtifactInput, BundleVerification, SignerExpectation, SigstoreTrust } from './index.js';

function verify(bundlePath: string, artifact: ArtifactInput, trust: SigstoreTrust, expected: SignerExpectation): BundleVerification {
  const parsed = parseBundle(readFileSync(bundlePath));
  assert.ok(parsed.ok, bundlePath);
  return verifyBundle(parsed, artifact, trust, expected);
}

const JS = 'sigstore-sigstore-js/tests/bundles';
const BRIAN: SignerExpectation = { identity: 'brian@dehamer.com', issuer: 'https://github.com/login/oauth' };

test('a DSSE bundle matches an artifact given only by its sha512 digest (npm integrity)', needsRealdata(), async () => {
  const trust = trustFromJSON(await embeddedPublicGoodRoot(), { source: 'public-good' });
  const statement = JSON.parse(readFileSync(realdata(`${JS}/statement.json`), 'utf8')) as { subject: { digest: { sha512: string } }[] };
  const hex = statement.subject[0]?.digest.sha512 ?? '';
  const ok = verify(realdata(`${JS}/bundleV03-dsse.sigstore`), { kind: 'digest', digest: { algorithm: 'sha512', hex } }, trust, BRIAN);
  assert.equal(ok.verified, true, ok.message);
  assert.equal(ok.stages.subject?.code, 'STATEMENT_SUBJECT_MATCHED');
  const other = verify(realdata(`${JS}/bundleV03-dsse.sigstore`), { kind: 'digest', digest: { algorithm: 'sha512', hex: 'ab'.repeat(64) } }, trust, BRIAN);
  assert.equal(other.code, 'STATEMENT_SUBJECT_MISMATCH');
});

test('a message-signature bundle never matches a sha512 digest: it signs a sha256 one', needsRealdata(), () => {
  const py = (p: string) => realdata(`sigstore-sigstore-python/${p}`);
  const staging = trustFromJSON(JSON.parse(readFileSync(py('sigstore/_store/https%3A%2F%2Ftuf-repo-cdn.sigstage.dev/trusted_root.json'), 'utf8')), { source: 'staging' });
  const hex = createHash('sha512').update(readFileSync(py('test/assets/bundle_v3.txt'))).digest('hex');
  const r = verify(py('test/assets/bundle_v3.txt.sigstore'), { kind: 'digest', digest: { algorithm: 'sha512', hex } }, staging, { identityRegexp: '.*' });
  assert.equal(r.code, 'ARTIFACT_DIGEST_UNSUPPORTED');
});

test('the statement file itself verifies against its DSSE bundle; any other bytes do not', needsRealdata(), async () => {
  const trust = trustFromJSON(await embeddedPublicGoodRoot(), { source: 'public-good' });
  const statement = readFileSync(realdata(`${JS}/statement.json`));
  for (const f of ['bundleV01-intoto-no-proof.sigstore', 'bundleV02-dsse.sigstore', 'bundleV03-intoto.sigstore']) {
    const r = verify(realdata(join(JS, f)), { kind: 'bytes', bytes: statement }, trust, BRIAN);
    assert.equal(r.verified, true, `${f}: ${r.message}`);
    assert.equal(r.stages.subject?.code, 'STATEMENT_IS_ARTIFACT');
    const sha256 = createHash('sha256').update(statement).digest('hex');
    assert.equal(verify(realdata(join(JS, f)), { kind: 'digest', digest: { algorithm: 'sha256', hex: sha256 } }, trust, BRIAN).verified, true);
    // One byte more (a trailing newline) is another file: neither the payload nor a subject.
    const edited = verify(realdata(join(JS, f)), { kind: 'bytes', bytes: Buffer.concat([statement, Buffer.from('\n')]) }, trust, BRIAN);
    assert.equal(edited.code, 'STATEMENT_SUBJECT_MISMATCH');
    assert.equal(verify(realdata(join(JS, f)), { kind: 'bytes', bytes: statement }, trust, { identity: 'brian@example.com', issuer: 'https://github.com/login/oauth' }).verified, false);
  }
});

test('an inclusion proof without a checkpoint fails as sigstore-python fails it (CPython 3.12.5)', needsRealdata(), async () => {
  const trust = trustFromJSON(await embeddedPublicGoodRoot(), { source: 'public-good' });
  const r = verify(realdata('sigstore-sigstore-python/test/assets/integration/Python-3.12.5.tgz.sigstore'), { kind: 'digest', digest: { algorithm: 'sha256', hex: '38dc4e2c261d49c661196066edbfb70fdb16be4a79cc8220c224dfeb5636d405' } }, trust, { identity: 'thomas@python.org', issuer: 'https://accounts.google.com' });
  assert.equal(r.verified, false);
  assert.equal(r.code, 'TLOG_INCLUSION_PROOF_INVALID');
  assert.match(r.message, /no signed checkpoint/);
});

test('timestamps of an unlisted authority beside a Rekor SET are ignored; a duplicate or a late token is not', needsRealdata(), () => {
  const tsa = (p: string) => realdata(`sigstore-sigstore-python/test/assets/tsa/${p}`);
  // trust_config.json lists the staging log and CA but another test TSA than the one that signed.
  const root = (JSON.parse(readFileSync(tsa('trust_config.json'), 'utf8')) as { trustedRoot: unknown }).trustedRoot;
  const trust = trustFromJSON(root, { source: 'trust_config' });
  const bytes: ArtifactInput = { kind: 'bytes', bytes: readFileSync(tsa('bundle.txt')) };
  const ok = verify(tsa('bundle.txt.sigstore'), bytes, trust, { identity: 'alexis.challande@trailofbits.com', issuer: 'https://accounts.google.com' });
  assert.equal(ok.verified, true, ok.message);
  assert.ok(ok.warnings.some((w) => /2 timestamp\(s\) from authorities/.test(w)), ok.warnings.join('; '));
  const dup = verify(tsa('bundle.duplicate.sigstore'), bytes, trust, { identityRegexp: '.*' });
  assert.equal(dup.code, 'TIMESTAMP_INVALID');
  assert.match(dup.message, /more than once/);
  assert.equal(verify(tsa('bundle.txt.late_timestamp.sigstore'), bytes, trust, { identityRegexp: '.*' }).verified, false);
  assert.equal(verify(tsa('bundle.many_timestamp.sigstore'), bytes, trust, { identityRegexp: '.*' }).code, 'TIMESTAMP_TOO_MANY');
});

test('hostile: one real token repeated up to the cap is a duplicate, past it too many; neither passes', needsRealdata(), () => {
  const tsa = (p: string) => realdata(`sigstore-sigstore-python/test/assets/tsa/${p}`);
  const root = (JSON.parse(readFileSync(tsa('trust_config.json'), 'utf8')) as { trustedRoot: unknown }).trustedRoot;
  const trust = trustFromJSON(root, { source: 'trust_config' });
  const bundle = JSON.parse(readFileSync(tsa('bundle.txt.sigstore'), 'utf8')) as { verificationMaterial: { timestampVerificationData: { rfc3161Timestamps: unknown[] } } };
  const token = bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
  for (const [count, code] of [[2, 'TIMESTAMP_INVALID'], [32, 'TIMESTAMP_INVALID'], [33, 'TIMESTAMP_TOO_MANY']] as const) {
    bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps = Array.from({ length: count }, () => token);
    const parsed = parseBundle(Buffer.from(JSON.stringify(bundle)));
    assert.ok(parsed.ok);
    const r = verifyBundle(parsed, { kind: 'bytes', bytes: readFileSync(tsa('bundle.txt')) }, trust, { identityRegexp: '.*' });
    assert.equal(r.code, code, `${count} copies`);
  }
});
