import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonOf, runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

const DIR = 'sigstore-sigstore-conformance/test/assets/bundle-verify';
const IDENTITY = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const A_TXT_SHA256 = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';

test('vouch artifact: a valid public-good bundle passes offline (file and digest)', needsRealdata(), async () => {
  for (const target of [realdata(`${DIR}/a.txt`), A_TXT_SHA256]) {
    const r = await runCli(['artifact', target, '--bundle', realdata(`${DIR}/happy-path-v0.2/bundle.sigstore.json`), '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = jsonOf(r) as { verdict: string; evidence: { subject: { digest: string }; signatures: { verified: boolean; identity: string }[] } };
    assert.equal(report.verdict, 'pass');
    assert.equal(report.evidence.subject.digest, A_TXT_SHA256);
    assert.equal(report.evidence.signatures[0]?.identity, IDENTITY);
  }
});

test('vouch artifact: another identity fails with exit 1; a regexp must match the whole identity', needsRealdata(), async () => {
  const bundle = realdata(`${DIR}/happy-path-v0.2/bundle.sigstore.json`);
  const wrong = await runCli(['artifact', A_TXT_SHA256, '--bundle', bundle, '--certificate-identity', 'https://github.com/evil/x', '--certificate-oidc-issuer', ISSUER, '--format', 'json']);
  assert.equal(wrong.code, 1);
  const partial = await runCli(['artifact', A_TXT_SHA256, '--bundle', bundle, '--certificate-identity-regexp', 'https://github\\.com/sigstore-conformance/', '--certificate-oidc-issuer', ISSUER, '--format', 'json']);
  assert.equal(partial.code, 1);
  const whole = await runCli(['artifact', A_TXT_SHA256, '--bundle', bundle, '--certificate-identity-regexp', 'https://github\\.com/sigstore-conformance/.*', '--certificate-oidc-issuer', ISSUER, '--format', 'json']);
  assert.equal(whole.code, 0, whole.stderr);
});

test('vouch artifact: keyless without an expected identity is a usage error (exit 2)', needsRealdata(), async () => {
  const r = await runCli(['artifact', A_TXT_SHA256, '--bundle', realdata(`${DIR}/happy-path-v0.2/bundle.sigstore.json`), '--format', 'json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--certificate-identity/);
});

test('vouch artifact: unknown bundle version and invalid trusted root could not be checked (exit 3)', needsRealdata(), async () => {
  const unknown = await runCli(['artifact', A_TXT_SHA256, '--bundle', realdata(`${DIR}/bundle-unknown-version_fail/bundle.sigstore.json`), '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--format', 'json']);
  assert.equal(unknown.code, 3);
  assert.equal((jsonOf(unknown) as { error: { code: string } }).error.code, 'UNSUPPORTED_FORMAT');
  const root = realdata(`${DIR}/trust-root-tlog-missing-validity-start_fail`);
  const badRoot = await runCli(['artifact', A_TXT_SHA256, '--bundle', `${root}/bundle.sigstore.json`, '--trusted-root', `${root}/trusted_root.json`, '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--format', 'json']);
  assert.equal(badRoot.code, 3);
  assert.equal((jsonOf(badRoot) as { error: { code: string } }).error.code, 'TRUST_MATERIAL_INVALID');
});

test('vouch artifact: an npm package named by its sha512 integrity matches its attestation; sha384 is a usage error', needsRealdata(), async () => {
  const bundle = realdata('sigstore-sigstore-js/tests/bundles/bundleV03-dsse.sigstore');
  const sha512 = 'sha512:7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9fd6e0cadcad54ba980f43fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36';
  const signer = ['--certificate-identity', 'brian@dehamer.com', '--certificate-oidc-issuer', 'https://github.com/login/oauth', '--format', 'json'];
  const ok = await runCli(['artifact', sha512, '--bundle', bundle, ...signer]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((jsonOf(ok) as { evidence: { subject: { digest: string } } }).evidence.subject.digest, sha512);
  const other = await runCli(['artifact', `sha512:${'0'.repeat(128)}`, '--bundle', bundle, ...signer]);
  assert.equal(other.code, 1, other.stderr);
  const sha384 = await runCli(['artifact', `sha384:${'0'.repeat(96)}`, '--bundle', bundle, ...signer]);
  assert.equal(sha384.code, 2, sha384.stderr);
});
