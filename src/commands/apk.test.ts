import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonOf, runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

const WOLFI_KEY = realdata('wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub');

test('vouch apk: a signed package passes (exit 0, one JSON report)', needsRealdata(), async () => {
  const r = await runCli(['apk', realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk'), '--apk-key', WOLFI_KEY, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = jsonOf(r);
  assert.equal(report['verdict'], 'pass');
});

test('vouch apk: an unsigned package fails (exit 1), a missing key file cannot be checked (exit 3)', needsRealdata(), async () => {
  const unsigned = await runCli(['apk', realdata('chainguard-dev-apko/pkg/apk/apk/testdata/hello-0.1.0-r0.apk'), '--apk-key', WOLFI_KEY, '--format', 'json']);
  assert.equal(unsigned.code, 1, unsigned.stderr);
  assert.equal(jsonOf(unsigned)['verdict'], 'fail');
  const badKey = await runCli(['apk', realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk'), '--apk-key', '/nonexistent/key.rsa.pub', '--format', 'json']);
  assert.equal(badKey.code, 3);
  assert.equal((jsonOf(badKey)['error'] as { code: string }).code, 'TRUST_MATERIAL_INVALID');
});

test('vouch apk: a bare package name without --repository is a usage error (exit 2)', async () => {
  const r = await runCli(['apk', 'hello-wolfi', '--format', 'json']);
  assert.equal(r.code, 2);
});
