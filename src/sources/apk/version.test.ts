import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareApkVersions } from './version.js';

test('compareApkVersions: apk ordering of numbers, letters, suffixes and revisions', () => {
  const ascending = ['1.0_alpha1', '1.0_beta', '1.0_rc2', '1.0', '1.0-r1', '1.0-r10', '1.0_p1', '1.0a', '1.0.1', '1.2', '1.10', '2.0_pre1', '2.0', '10'];
  for (let i = 0; i < ascending.length - 1; i++) {
    const [a, b] = [ascending[i] as string, ascending[i + 1] as string];
    assert.ok(compareApkVersions(a, b) < 0, `${a} < ${b}`);
    assert.ok(compareApkVersions(b, a) > 0, `${b} > ${a}`);
  }
  assert.equal(compareApkVersions('2.12.1-r0', '2.12.1-r0'), 0);
  assert.ok(compareApkVersions('not a version', '0.1') < 0);
});
