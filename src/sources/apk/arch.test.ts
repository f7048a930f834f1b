import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { assertApkArch } from './arch.js';

test('assertApkArch: apk architecture names pass, anything that could be a path is a usage error', () => {
  for (const arch of ['x86_64', 'x86', 'aarch64', 'armhf', 'armv7', 'ppc64le', 's390x', 'riscv64', 'loongarch64', 'noarch']) assertApkArch(arch);
  for (const arch of ['../x', '..', '.', '...', 'x86_64/..', '/etc', 'a/b', 'a\\b', '', 'X86_64', 'x86-64', 'x\0', 'x'.repeat(33), ' x86_64', 'aarch64\n']) {
    assert.throws(() => assertApkArch(arch), (e: unknown) => isVouchError(e) && e.code === 'USAGE', JSON.stringify(arch));
  }
});
