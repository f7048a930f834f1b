import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isVouchError } from '../../errors.js';
import { DEFAULT_LIMITS } from '../../pipeline/options.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { buildApkIndex, tarOf } from './build-apk.js';
import { readApkIndex } from './read-index.js';
import type { ApkIndexContents } from './read-index.js';

async function* chunks(buf: Buffer, size = 4096): AsyncGenerator<Buffer> {
  for (let off = 0; off < buf.length; off += size) yield buf.subarray(off, off + size);
}

const readFor = (buf: Buffer, name: string, size = 4096): Promise<ApkIndexContents> => readApkIndex(chunks(buf, size), (r) => r.name === name, DEFAULT_LIMITS);

test('readApkIndex: the signed melange index lists four packages with C: and S:', needsRealdata(), async () => {
  const buf = readFileSync(realdata('chainguard-dev-apko/internal/cli/testdata/packages/x86_64/APKINDEX.tar.gz'));
  const index = await readFor(buf, 'pretend-baselayout', 7);
  assert.equal(index.packageCount, 4);
  assert.deepEqual(index.signatures?.map((s) => `${s.algorithm}:${s.keyName}`), ['RSA256:melange.rsa.pub']);
  assert.equal(index.embeddedSignature, false);
  assert.deepEqual(index.matches.map((r) => [r.name, r.version, r.arch, r.checksum, r.size]), [
    ['pretend-baselayout', '1.0.0-r0', 'x86_64', 'Q1m6wB0UFePGN8Drz82pC8y2uAiu8=', 2930],
  ]);
});

test('readApkIndex: the real Alpine 3.16 index (1.9 MB of text) streams', needsRealdata(), async () => {
  const buf = readFileSync(realdata('chainguard-dev-apko/pkg/apk/apk/testdata/alpine-316/APKINDEX.tar.gz'));
  const index = await readFor(buf, 'busybox', 65536);
  assert.ok(index.packageCount > 1000, `${index.packageCount} packages`);
  assert.equal(index.matches.length, 1);
  assert.equal(index.signatures?.[0]?.keyName, 'alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub');
});

test('readApkIndex: an unsigned index, and one with the signature inside the signed stream', needsRealdata(), async () => {
  const unsigned = await readFor(readFileSync(realdata('wolfi-dev-wolfictl/pkg/apk/testdata/APKINDEX.tar.gz')), 'x');
  assert.equal(unsigned.signatures, undefined);
  const single = await readFor(readFileSync(realdata('chainguard-dev-apko/pkg/apk/apk/testdata/APKINDEX.tar.gz')), 'x');
  assert.equal(single.signatures, undefined);
  assert.equal(single.embeddedSignature, true);
});

test('readApkIndex: an index of 20000 packages keeps only the selected records', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const records = Array.from({ length: 20000 }, (_, i) => `C:Q1${'A'.repeat(27)}=\nP:pkg-${i % 5000}\nV:1.${Math.floor(i / 5000)}-r0\nA:x86_64\nS:${i}\nD:${'dep '.repeat(20)}\n`);
  const buf = await buildApkIndex(records.join('\n'), { privateKey, keyName: 'k.rsa.pub' });
  const index = await readFor(buf, 'pkg-42', 65536);
  assert.equal(index.packageCount, 20000);
  assert.deepEqual(index.matches.map((r) => r.version), ['1.0-r0', '1.1-r0', '1.2-r0', '1.3-r0']);
  await assert.rejects(readApkIndex(chunks(buf, 65536), () => false, { ...DEFAULT_LIMITS, maxEntries: 1000 }), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
});

test('readApkIndex: garbage, truncation, missing APKINDEX and bad lines are INPUT_MALFORMED', async () => {
  const good = await buildApkIndex('P:a\nV:1-r0\n');
  const malformed = (e: unknown): boolean => isVouchError(e) && e.code === 'INPUT_MALFORMED';
  await assert.rejects(readFor(Buffer.from('not an index'), 'a'), malformed);
  await assert.rejects(readFor(good.subarray(0, good.length - 5), 'a'), malformed);
  await assert.rejects(readFor(gzipSync(await tarOf([{ name: 'DESCRIPTION', content: Buffer.from('x'), pax: null }], false)), 'a'), malformed);
  await assert.rejects(readFor(await buildApkIndex('P:a\nthis is not a field\n'), 'a'), malformed);
  await assert.rejects(readFor(await buildApkIndex('V:1-r0\n'), 'a'), malformed);
  assert.equal((await readFor(good, 'a')).matches.length, 1);
});
