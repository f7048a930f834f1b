import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { X509Certificate } from '@sigstore/core';
import { embeddedPublicGoodRoot, parseBundle, signerFromCertificate, trustFromJSON, verifyBundle } from './index.js';
import type { ArtifactInput, SignerExpectation, SigstoreTrust } from './index.js';

/** Verifies one bundle file the way `vouch artifact` does; 'pass' or the failure code. */
function run(bundlePath: string, artifact: ArtifactInput, trust: () => SigstoreTrust, expected: SignerExpectation): string {
  try {
    const parsed = parseBundle(readFileSync(bundlePath));
    if (!parsed.ok) return parsed.code;
    const r = verifyBundle(parsed, artifact, trust(), expected);
    return r.verified ? 'pass' : r.code;
  } catch (err) {
    if (isVouchError(err)) return err.code;
    throw err;
  }
}

const CONFORMANCE = 'sigstore-sigstore-conformance/test/assets/bundle-verify';
const DEFAULT_IDENTITY = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';

test('sigstore-conformance bundle-verify: every case, by file and by digest', needsRealdata(), async () => {
  const base = realdata(CONFORMANCE);
  const publicGood = await embeddedPublicGoodRoot();
  const names = readdirSync(base).filter((n) => statSync(join(base, n)).isDirectory());
  assert.ok(names.length >= 50);
  for (const name of names) {
    const dir = join(base, name);
    const file = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : undefined);
    const bytes = file('artifact') ?? readFileSync(join(base, 'a.txt'));
    const keyPem = file('key.pub')?.toString('utf8');
    const rootFile = file('trusted_root.json');
    const trust = () => trustFromJSON(rootFile ? JSON.parse(rootFile.toString('utf8')) : publicGood, { source: name, ...(keyPem !== undefined && { key: { name: 'key.pub', pem: keyPem } }) });
    const expected: SignerExpectation = keyPem ? {} : { identity: file('identity')?.toString('utf8').trim() ?? DEFAULT_IDENTITY, issuer: file('issuer')?.toString('utf8').trim() ?? 'https://token.actions.githubusercontent.com' };
    const hex = crypto.createHash('sha256').update(bytes).digest('hex');
    for (const artifact of [{ kind: 'bytes', bytes }, { kind: 'digest', digest: { algorithm: 'sha256', hex } }] as ArtifactInput[]) {
      const outcome = run(join(dir, 'bundle.sigstore.json'), artifact, trust, expected);
      if (name.endsWith('_fail')) assert.notEqual(outcome, 'pass', `${name} (${artifact.kind}) must fail`);
      else assert.equal(outcome, 'pass', `${name} (${artifact.kind}) must pass`);
    }
  }
});

test('sigstore-js public-good DSSE bundles (v0.1-v0.3, dsse and intoto entries) verify offline', needsRealdata(), async () => {
  const dir = realdata('sigstore-sigstore-js/tests/bundles');
  const statement = JSON.parse(readFileSync(join(dir, 'statement.json'), 'utf8')) as { subject: { digest: { sha512: string } }[] };
  const sha512 = statement.subject[0]?.digest.sha512 ?? '';
  const trust = trustFromJSON(await embeddedPublicGoodRoot(), { source: 'public-good' });
  const bundles = readdirSync(dir).filter((f) => f.endsWith('.sigstore'));
  assert.equal(bundles.length, 9);
  for (const f of bundles) {
    const parsed = parseBundle(readFileSync(join(dir, f)));
    assert.ok(parsed.ok, f);
    const r = verifyBundle(parsed, { kind: 'digest', digest: { algorithm: 'sha256', hex: '00'.repeat(32) }, also: { sha512 } }, trust, { identityRegexp: '.+@.+', issuer: 'https://github.com/login/oauth' });
    assert.equal(r.verified, true, `${f}: ${r.message}`);
    assert.equal(r.statement?.predicateType !== undefined, true);
  }
});

test('sigstore-python staging bundles and their expected failures', needsRealdata(), () => {
  const py = (p: string) => realdata(`sigstore-sigstore-python/test/assets/${p}`);
  const staging = JSON.parse(readFileSync(realdata('sigstore-sigstore-python/sigstore/_store/https%3A%2F%2Ftuf-repo-cdn.sigstage.dev/trusted_root.json'), 'utf8'));
  const trust = () => trustFromJSON(staging, { source: 'staging' });
  const any: SignerExpectation = { identityRegexp: '.*' };
  const bytesOf = (p: string): ArtifactInput => ({ kind: 'bytes', bytes: readFileSync(py(p)) });
  for (const [bundle, artifact] of <[string, string][]>[['bundle.txt.sigstore', 'bundle.txt'], ['bundle_v3.txt.sigstore', 'bundle_v3.txt'], ['bundle_v3_alt.txt.sigstore', 'bundle_v3_alt.txt'], ['staging-rekor-v2.txt.sigstore.json', 'staging-rekor-v2.txt']]) {
    assert.equal(run(py(bundle), bytesOf(artifact), trust, any), 'pass', bundle);
  }
  const fails: [string, string, string][] = [
    ['bundle_invalid_version.txt.sigstore', 'bundle_invalid_version.txt', 'BUNDLE_UNSUPPORTED_MEDIA_TYPE'],
    ['bundle_no_cert_v1.txt.sigstore', 'bundle_no_cert_v1.txt', 'BUNDLE_INVALID'],
    ['bundle_no_log_entry.txt.sigstore', 'bundle_no_log_entry.txt', 'TLOG_ENTRY_MISSING'],
    ['bundle_no_checkpoint.txt.sigstore', 'bundle_no_checkpoint.txt', 'BUNDLE_INVALID'],
    ['bundle_v3_no_signed_time.txt.sigstore.json', 'bundle_v3_no_signed_time.txt', 'TIMESTAMP_INVALID'],
  ];
  for (const [bundle, artifact, code] of fails) assert.equal(run(py(bundle), bytesOf(artifact), trust, any), code, bundle);
});

test('sigstore-python TSA bundles: extra unverifiable tokens are ignored, 33 tokens are refused', needsRealdata(), () => {
  const py = (p: string) => realdata(`sigstore-sigstore-python/test/assets/tsa/${p}`);
  const root = (JSON.parse(readFileSync(py('trust_config.json'), 'utf8')) as { trustedRoot: Record<string, unknown> }).trustedRoot;
  root['timestampAuthorities'] = [JSON.parse(readFileSync(py('ca.json'), 'utf8'))];
  const trust = () => trustFromJSON(root, { source: 'tsa' });
  const artifact: ArtifactInput = { kind: 'bytes', bytes: readFileSync(py('bundle.txt')) };
  assert.equal(run(py('bundle.txt.sigstore'), artifact, trust, { identityRegexp: '.*' }), 'pass');
  assert.equal(run(py('bundle.many_timestamp.sigstore'), artifact, trust, { identityRegexp: '.*' }), 'TIMESTAMP_TOO_MANY');
  assert.notEqual(run(py('bundle.duplicate.sigstore'), artifact, trust, { identityRegexp: '.*' }), 'pass');
  assert.notEqual(run(py('bundle.txt.late_timestamp.sigstore'), artifact, trust, { identityRegexp: '.*' }), 'pass');
});

test('sigstore-go: npm provenance bundle, otherName SAN, key validity', needsRealdata(), () => {
  const go = (p: string) => realdata(`sigstore-sigstore-go/pkg/testing/data/${p}`);
  const pg = () => trustFromJSON(JSON.parse(readFileSync(go('trusted-roots/public-good.json'), 'utf8')), { source: 'public-good' });
  const npm = parseBundle(readFileSync(go('bundles/sigstore.js@2.0.0-provenance.sigstore.json')));
  assert.ok(npm.ok);
  const r = verifyBundle(npm, { kind: 'dsse-statement' }, pg(), { identity: 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com' });
  assert.equal(r.verified, true, r.message);
  assert.equal(r.signer?.extensions?.['sourceRepositoryUri'], 'https://github.com/sigstore/sigstore-js');
  assert.equal(r.statement?.predicateType, 'https://slsa.dev/provenance/v1');
  // Fulcio's otherName SAN ("username!issuer-host") is read as the identity.
  const other = JSON.parse(readFileSync(go('bundles/othername.sigstore.json'), 'utf8')) as { verificationMaterial: { certificate: { rawBytes: string } } };
  const signer = signerFromCertificate(X509Certificate.parse(Buffer.from(other.verificationMaterial.certificate.rawBytes, 'base64')));
  assert.equal(signer.identity, 'foo!oidc.local');
  assert.equal(signer.issuer, 'http://oidc.local:8080');
  // The key was not valid when the signature was timestamped: never a pass.
  const keyed = () => trustFromJSON(JSON.parse(readFileSync(go('trusted-roots/public-key-validity.json'), 'utf8')), { source: 'kv', key: { name: 'k', pem: readFileSync(go('public-keys/public-key-validity.pem'), 'utf8') } });
  assert.notEqual(run(go('bundles/public-key-validity.sigstore.json'), { kind: 'bytes', bytes: Buffer.from('test content') }, keyed, {}), 'pass');
});
