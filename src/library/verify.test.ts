import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVouchError, loadPolicies, renderReport, verifyApk, verifyArtifact, verifyImage } from '../index.js';
import type { ErrorCode, ReportFormat } from '../index.js';
import { samplePath, SAMPLE_KEYS } from '../testing/sample.js';

/** The library's own refusals: every one a VouchError before anything is read. */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isVouchError(err), `not a VouchError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const APK = samplePath('apk', 'x86_64', 'hello-2.12-r0.apk');

test('library: bad options are USAGE errors, raised before the subject is read', async () => {
  const missing = samplePath('apk', 'x86_64', 'absent.apk');
  await rejectsWith(verifyApk({ target: missing, policyTimeoutMs: 0 }), 'USAGE', /policyTimeoutMs/);
  await rejectsWith(verifyApk({ target: missing, timeoutMs: -1 }), 'USAGE', /timeoutMs/);
  await rejectsWith(verifyApk({ target: missing, effectiveTime: new Date('nonsense') }), 'USAGE', /effectiveTime/);
  await rejectsWith(verifyApk({ target: missing, limits: { maxEntries: 0 } }), 'USAGE', /limits\.maxEntries/);
  await rejectsWith(verifyApk({ target: missing, policies: ['no-such-policy'] }), 'USAGE', /no built-in policy/);
  await rejectsWith(verifyApk({ target: '' }), 'USAGE', /target/);
  await rejectsWith(verifyImage({ reference: 'oci:nowhere', sigstore: { expected: { identity: 'someone@example.com' } } }), 'USAGE', /needs its issuer: add sigstore\.expected\.issuer/);
  await rejectsWith(verifyImage({ reference: 'oci:nowhere', sigstore: { expected: { issuer: 'https://issuer.example' } } }), 'USAGE', /names no signer/);
  await rejectsWith(verifyImage({ reference: 'oci:nowhere', sigstore: { expected: { identityRegexp: '(', issuer: 'https://issuer.example' } } }), 'USAGE', /regular expression/);
  await rejectsWith(verifyArtifact({ target: APK }), 'USAGE', /bundle/);
});

test('library: invalid policy text is POLICY_INVALID; two different policies of one name are USAGE', async () => {
  await rejectsWith(loadPolicies([{ yaml: 'not: [a policy', source: 'inline.yaml' }]), 'POLICY_INVALID', /inline\.yaml/);
  const yaml = (rule: string) => `apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: twin }\nspec:\n  rules:\n    - { name: ${rule}, severity: error, expression: "true", message: m }\n`;
  await rejectsWith(loadPolicies([{ yaml: yaml('a'), source: 'a.yaml' }, { yaml: yaml('b'), source: 'b.yaml' }]), 'USAGE', /two different policies are named twin/);
  const [loaded] = await loadPolicies(['signature']);
  assert.ok(loaded);
  assert.deepEqual((await loadPolicies([loaded, 'signature'])).map((p) => p.name), ['signature']);
});

test('library: loaded policies are reused across subjects; the effective time is the caller\'s', async () => {
  const policies = await loadPolicies();
  const effectiveTime = new Date('2026-03-01T12:00:00Z');
  for (const arch of ['x86_64', 'aarch64']) {
    const report = await verifyApk({ target: samplePath('apk', arch, 'hello-2.12-r0.apk'), keys: [SAMPLE_KEYS.apk], arch, policies, effectiveTime });
    assert.equal(report.verdict, 'pass');
    assert.equal(report.effectiveTime, effectiveTime.toISOString());
  }
});

test('library: a signal that fires after the call ends it with ABORTED; unknown formats are refused', async () => {
  const controller = new AbortController();
  const run = verifyApk({ target: APK, keys: [SAMPLE_KEYS.apk], arch: 'x86_64', signal: controller.signal });
  controller.abort();
  // The abort comes before the first await of the call settles: the run ends, with no verdict.
  await rejectsWith(run, 'ABORTED');
  const report = await verifyApk({ target: APK, keys: [SAMPLE_KEYS.apk], arch: 'x86_64' });
  assert.throws(() => renderReport(report, 'yaml' as ReportFormat), (err: unknown) => isVouchError(err) && err.code === 'USAGE');
});
