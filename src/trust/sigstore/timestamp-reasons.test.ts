import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { MOCK_IDENTITY, MOCK_ISSUER, MOCK_TSA, startSigstoreMock } from '../../testing/sigstore-mock.js';
import type { SigstoreMock } from '../../testing/sigstore-mock.js';
import { parseBundle, parseBundleJSON, trustFromJSON, verifyBundle } from './index.js';
import type { ArtifactInput, BundleVerification, SignerExpectation } from './index.js';

/** TIMESTAMP_INVALID says why: which authority, its validity window against the time, or the failed signature. */
const ARTIFACT = Buffer.from('timestamped\n');
const BYTES: ArtifactInput = { kind: 'bytes', bytes: ARTIFACT };
const EXPECTED = { identity: MOCK_IDENTITY, issuer: MOCK_ISSUER };

type Json = Record<string, unknown>;
let mock: SigstoreMock;
let bundle: Json;
before(async () => {
  mock = await startSigstoreMock();
  bundle = await mock.signBlob(ARTIFACT, { rekor: 'v2' });
});
after(() => mock.stop());

function verify(json: Json, root: Json = mock.trustedRoot, artifact: ArtifactInput = BYTES, expected: SignerExpectation = EXPECTED): BundleVerification {
  const p = parseBundleJSON(json);
  assert.ok(p.ok, p.ok ? '' : p.message);
  return verifyBundle(p, artifact, trustFromJSON(root, { source: 'test' }), expected);
}
function assertTimestampFailure(r: BundleVerification, reason: RegExp): void {
  assert.equal(r.verified, false);
  assert.equal(r.code, 'TIMESTAMP_INVALID', r.message);
  assert.match(r.message, reason);
  assert.equal(r.stages.signature.message, r.message);
}
const tsaRoot = (edit: (tsa: Json) => void): Json => {
  const root = structuredClone(mock.trustedRoot) as { timestampAuthorities: Json[] };
  edit(root.timestampAuthorities[0]!);
  return root;
};

describe('reasons for TIMESTAMP_INVALID', () => {
  test('control: the bundle verifies at the TSA time', () => {
    assert.equal(verify(bundle).verified, true);
  });

  test('an authority the trusted root does not list', () => {
    const root = structuredClone(mock.trustedRoot);
    root['timestampAuthorities'] = [];
    assertTimestampFailure(verify(bundle, root), /timestamp 1: signed at .* by a certificate \(serial [0-9a-f]+\) of no timestamp authority in the trusted root/);
  });

  test('the authority\'s validity window in the trusted root, against the token\'s time', () => {
    const later = new Date(mock.clock.getTime() + 3600_000).toISOString();
    assertTimestampFailure(verify(bundle, tsaRoot((tsa) => (tsa['validFor'] = { start: later }))), new RegExp(`${MOCK_TSA} is trusted from ${later} to no end, and the token's time ${mock.clock.toISOString()} is outside that window`));
    const earlier = { start: new Date(mock.clock.getTime() - 7200_000).toISOString(), end: new Date(mock.clock.getTime() - 3600_000).toISOString() };
    assertTimestampFailure(verify(bundle, tsaRoot((tsa) => (tsa['validFor'] = earlier))), new RegExp(`trusted from ${earlier.start} to ${earlier.end}`));
  });

  test('the authority is named by its subject when the root gives no URI', () => {
    const later = new Date(mock.clock.getTime() + 3600_000).toISOString();
    const root = tsaRoot((tsa) => {
      delete tsa['uri'];
      tsa['validFor'] = { start: later };
    });
    assertTimestampFailure(verify(bundle, root), /timestamp 1: tsa is trusted from/);
  });

  test('a token over other bytes: the failed signature is named', () => {
    const copy = structuredClone(bundle);
    const ms = copy['messageSignature'] as { signature: string };
    const sig = Buffer.from(ms.signature, 'base64');
    sig[10] = (sig[10] ?? 0) ^ 1;
    ms.signature = sig.toString('base64');
    assertTimestampFailure(verify(copy), new RegExp(`the token of ${MOCK_TSA} \\(time .*\\) does not verify: .+`));
  });

  test('no timestamp at all, and no SET', () => {
    const copy = structuredClone(bundle);
    delete (copy['verificationMaterial'] as Json)['timestampVerificationData'];
    assertTimestampFailure(verify(copy), /no RFC 3161 timestamp and no log entry with a signed entry timestamp/);
  });
});

test('sigstore-conformance: TSA certificate window, trusted-root window, untrusted TSA', needsRealdata(), () => {
  const base = realdata('sigstore-sigstore-conformance/test/assets/bundle-verify');
  const identity = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const expected = { identity, issuer: 'https://token.actions.githubusercontent.com' };
  const artifact: ArtifactInput = { kind: 'bytes', bytes: readFileSync(`${base}/a.txt`) };
  const run = (name: string): BundleVerification => {
    const p = parseBundle(readFileSync(`${base}/${name}/bundle.sigstore.json`));
    assert.ok(p.ok);
    return verifyBundle(p, artifact, trustFromJSON(JSON.parse(readFileSync(`${base}/${name}/trusted_root.json`, 'utf8')), { source: name }), expected);
  };
  assertTimestampFailure(run('rekor2-timestamp-outside-tsa-cert-validity_fail'), /the certificate of .* is valid from .* to .*, and the token's time .* is outside that window|does not verify at/);
  assertTimestampFailure(run('rekor2-timestamp-outside-trust-root-tsa-validity_fail'), /is trusted from .* to .*, and the token's time .* is outside that window/);
  assertTimestampFailure(run('rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail'), /no timestamp authority in the trusted root|does not verify/);
});
