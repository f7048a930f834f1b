/** The image-wide caps through the CLI: LIMIT_EXCEEDED, exit 3, with the number and the flag. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonOf, runCli } from '../testing/cli.js';

const S = 'testdata/sample';
const BASE = ['image', `oci:${S}/image:latest`, '--platform', 'linux/amd64', '--key', `${S}/keys/cosign.pub`, '--trusted-root', `${S}/trusted_root.json`, '--format', 'json'];

test('image limits: --max-image-entries and --max-findings end as LIMIT_EXCEEDED naming the flag', { timeout: 120_000 }, async () => {
  const ok = await runCli(BASE);
  assert.equal(ok.code, 0, ok.stderr);
  for (const [flag, value, message] of [
    ['--max-image-entries', '5', /more than 5 entries in all its layers \(raise with --max-image-entries\)/],
    ['--max-findings', '1', /reconciliation findings, more than 1 \(raise with --max-findings\)/],
  ] as const) {
    const r = await runCli([...BASE, flag, value]);
    assert.equal(r.code, 3, r.stderr);
    const error = jsonOf(r)['error'] as { code: string; message: string; details: Record<string, unknown> };
    assert.equal(error.code, 'LIMIT_EXCEEDED');
    assert.match(error.message, message);
    assert.equal(error.details['flag'], flag);
    assert.equal(error.details['limit'], Number(value));
  }
  const usage = await runCli([...BASE, '--max-zstd-window', '3GiB']);
  assert.equal(usage.code, 2, usage.stderr);
});
