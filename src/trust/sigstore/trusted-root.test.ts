import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { embeddedPublicGoodRoot, trustFromJSON, validateTrustedRootJSON } from './index.js';

const throwsCode = (fn: () => unknown, code: string) => assert.throws(fn, (e: unknown) => isVouchError(e) && e.code === code);

test('the embedded public-good root is valid and holds Rekor v1 and v2 logs', async () => {
  const root = await embeddedPublicGoodRoot();
  assert.deepEqual(validateTrustedRootJSON(root), []);
  const trust = trustFromJSON(root, { source: 'public-good' });
  assert.ok(trust.tlogs.some((t) => t.baseUrl === 'https://rekor.sigstore.dev'));
  assert.ok(trust.material.certificateAuthorities.length > 0);
});

test('a log key without a validity start is rejected (not read as "since forever")', async () => {
  const root = structuredClone(await embeddedPublicGoodRoot()) as { tlogs: { publicKey: { validFor?: unknown } }[] };
  delete root.tlogs[0]!.publicKey.validFor;
  assert.match(validateTrustedRootJSON(root).join('\n'), /tlogs\/0\/publicKey\/validFor: missing/);
  throwsCode(() => trustFromJSON(root, { source: 'test' }), 'TRUST_MATERIAL_INVALID');
});

test('unknown media type, bad base64, end before start, non-certificates are rejected', async () => {
  const base = (await embeddedPublicGoodRoot()) as Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutating arbitrary JSON paths
  const cases: [string, (r: any) => void][] = [
    ['media type', (r) => (r.mediaType = 'application/json')],
    ['base64', (r) => (r.tlogs[0].publicKey.rawBytes = 'not base64!')],
    ['end before start', (r) => (r.ctlogs[0].publicKey.validFor = { start: '2024-01-01T00:00:00Z', end: '2023-01-01T00:00:00Z' })],
    ['empty chain', (r) => (r.certificateAuthorities[0].certChain.certificates = [])],
    ['not a certificate', (r) => (r.certificateAuthorities[0].certChain.certificates = [{ rawBytes: Buffer.from('garbage').toString('base64') }])],
    ['not a key', (r) => (r.tlogs[0].publicKey.rawBytes = Buffer.from('garbage').toString('base64'))],
  ];
  for (const [name, mutate] of cases) {
    const root = structuredClone(base);
    mutate(root);
    throwsCode(() => trustFromJSON(root, { source: name }), 'TRUST_MATERIAL_INVALID');
  }
});

test('--key must be a PEM public key', async () => {
  const root = await embeddedPublicGoodRoot();
  throwsCode(() => trustFromJSON(root, { source: 'pg', key: { name: 'k.pem', pem: 'not a key' } }), 'TRUST_MATERIAL_INVALID');
});

test('every trusted root in the real data validates, except the one missing a validity start', needsRealdata(), () => {
  const dir = 'sigstore-sigstore-conformance/test/assets/bundle-verify';
  for (const name of ['rekor2-happy-path', 'managed-key-and-trusted-root', 'bundle-with-sct-with-extensions', 'trust-root-tsa-validity-end-inclusive']) {
    assert.deepEqual(validateTrustedRootJSON(JSON.parse(readFileSync(realdata(`${dir}/${name}/trusted_root.json`), 'utf8'))), [], name);
  }
  const bad = JSON.parse(readFileSync(realdata(`${dir}/trust-root-tlog-missing-validity-start_fail/trusted_root.json`), 'utf8'));
  assert.notDeepEqual(validateTrustedRootJSON(bad), []);
  for (const path of ['sigstore-sigstore-python/sigstore/_store/https%3A%2F%2Ftuf-repo-cdn.sigstage.dev/trusted_root.json', 'sigstore-sigstore-go/pkg/testing/data/trusted-roots/public-good.json']) {
    assert.deepEqual(validateTrustedRootJSON(JSON.parse(readFileSync(realdata(path), 'utf8'))), [], path);
  }
  const badType = JSON.parse(readFileSync(realdata('sigstore-sigstore-python/test/assets/trusted_root/trustedroot.badtype.json'), 'utf8'));
  assert.match(validateTrustedRootJSON(badType).join('\n'), /mediaType/);
});
