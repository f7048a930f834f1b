import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isVouchError } from '../../errors.js';
import { DEFAULT_LIMITS } from '../../pipeline/options.js';
import { END, entry, file, gnuLong, pax, tar } from '../../testing/raw-tar.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { buildApkIndex, endlessApkIndex, randomIndexLines, tarOf } from './build-apk.js';
import { DEFAULT_APK_INDEX_CAPS, readApkIndex } from './read-index.js';
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

const limitWith = (number: number, flag: string) => (e: unknown): boolean => {
  assert.ok(isVouchError(e) && e.code === 'LIMIT_EXCEEDED', String(e));
  assert.ok(e.message.includes(String(number)) && e.message.includes(flag), e.message);
  return true;
};

test('readApkIndex: an endless valid gzip stream stops at each index cap, in bounded memory', { timeout: 60_000 }, async () => {
  const heapBefore = process.memoryUsage().heapUsed;
  const caps = { maxIndexBytes: 4 * 1024 ** 2, maxIndexDecompressedBytes: 8 * 1024 ** 2, maxIndexLines: 50_000 };
  const read = (next: () => Buffer, c: Partial<typeof caps>): Promise<unknown> =>
    readApkIndex(endlessApkIndex(next), () => false, DEFAULT_LIMITS, { ...DEFAULT_APK_INDEX_CAPS, ...c });
  // Long lines, 4:1: the decompressed cap is reached before the compressed one.
  await assert.rejects(read(randomIndexLines(1000), { maxIndexDecompressedBytes: caps.maxIndexDecompressedBytes }), limitWith(caps.maxIndexDecompressedBytes, '--max-index-decompressed-size'));
  // The same stream with a small compressed cap: the file cap, which also ends the download.
  await assert.rejects(read(randomIndexLines(1000), { maxIndexBytes: 1024 ** 2 }), limitWith(1024 ** 2, '--max-index-size'));
  // Short lines: the line cap.
  await assert.rejects(read(randomIndexLines(8), { maxIndexLines: caps.maxIndexLines }), limitWith(caps.maxIndexLines, '--max-index-lines'));
  // Zeros (a gzip bomb) with the ratio cap lifted: the decompressed cap still holds.
  await assert.rejects(
    readApkIndex(endlessApkIndex(() => Buffer.from(`${'X:'.padEnd(4000, '0')}\n`.repeat(64))), () => false, { ...DEFAULT_LIMITS, maxRatio: 1e9 }, { ...DEFAULT_APK_INDEX_CAPS, maxIndexDecompressedBytes: caps.maxIndexDecompressedBytes }),
    limitWith(caps.maxIndexDecompressedBytes, '--max-index-decompressed-size'),
  );
  // And with the default caps a stream of zeros is stopped as a bomb.
  await assert.rejects(readApkIndex(endlessApkIndex(() => Buffer.alloc(65536)), () => false, DEFAULT_LIMITS), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 256 * 1024 ** 2, 'memory stays bounded');
});

test('readApkIndex: DESCRIPTION and the line count are reported', async () => {
  const index = await readFor(await buildApkIndex('P:a\nV:1-r0\n\nP:b\nV:2-r0\n'), 'a');
  assert.equal(index.description, 'synthetic');
  assert.equal(index.lineCount, 5);
  assert.equal(index.packageCount, 2);
});

const INDEX_TEXT = 'C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=\nP:a\nV:1-r0\nA:x86_64\nS:10\n\nC:Q1bbbbbbbbbbbbbbbbbbbbbbbbbbb=\nP:b\nV:2-r0\nA:x86_64\nS:20\n';

const unsignedIndex = (tarBytes: Buffer): Buffer => gzipSync(tarBytes);
const malformed = (e: unknown): boolean => isVouchError(e) && e.code === 'INPUT_MALFORMED';

test('readApkIndex: the tar rules of every vouch reader hold for the index (end of archive, names, non-UTF-8)', async () => {
  const plain = await readFor(unsignedIndex(tar([file('DESCRIPTION', 'x'), file('APKINDEX', INDEX_TEXT)])), 'b');
  assert.deepEqual(plain.matches.map((r) => r.version), ['2-r0']);
  // An index hidden after the end-of-archive marker: Go's reader stops there, tar-stream read on.
  await assert.rejects(readFor(unsignedIndex(tar([file('DESCRIPTION', 'x')], file('APKINDEX', INDEX_TEXT))), 'b'), malformed);
  // A PAX global header (three readers, three readings) and contradicting names are refused.
  await assert.rejects(readFor(unsignedIndex(tar([pax({ path: 'APKINDEX' }, 'g'), file('APKINDEX', INDEX_TEXT)])), 'b'), malformed);
  await assert.rejects(readFor(unsignedIndex(tar([pax({ path: 'APKINDEX' }), gnuLong('DESCRIPTION'), file('x', INDEX_TEXT)])), 'b'), malformed);
  // A PAX path names the entry, as in Go; a name that is APKINDEX only after a lossy UTF-8
  // decoding is not the index.
  assert.equal((await readFor(unsignedIndex(tar([pax({ path: 'APKINDEX' }), file('other', INDEX_TEXT)])), 'a')).matches.length, 1);
  await assert.rejects(readFor(unsignedIndex(tar([file(Buffer.from('APKINDEX\xff', 'latin1'), INDEX_TEXT)])), 'a'), (e: unknown) => malformed(e) && /holds no APKINDEX/.test((e as Error).message));
  // A directory named APKINDEX is not the index either.
  await assert.rejects(readFor(unsignedIndex(tar([entry({ name: 'APKINDEX', type: '5' })])), 'a'), malformed);
  assert.equal(END.length, 1024);
});

test('readApkIndex: mutated tar bytes inside the index are refused or read, never a crash or a hang', { timeout: 120_000 }, async () => {
  const original = tar([file('DESCRIPTION', 'v3.20'), pax({ comment: 'x'.repeat(300) }), file('APKINDEX', INDEX_TEXT.repeat(20))]);
  let seed = 0x9e3779b9;
  const next = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed;
  };
  let refused = 0;
  for (let i = 0; i < 1500; i++) {
    const mutated = Buffer.from(original);
    // One to four bytes, biased towards the header blocks where the parser decides things.
    for (let k = 0; k <= next() % 4; k++) {
      const at = next() % 3 === 0 ? next() % mutated.length : (next() % 4) * 512 + (next() % 512);
      mutated[at % mutated.length] = next() % 256;
    }
    try {
      const index = await readFor(unsignedIndex(mutated), 'a', 1 + (next() % 9000));
      assert.ok(index.packageCount <= 40, `mutation ${i}: more packages than the index holds`);
    } catch (err) {
      assert.ok(isVouchError(err), `mutation ${i}: ${String(err)}`);
      assert.ok(['INPUT_MALFORMED', 'LIMIT_EXCEEDED'].includes(err.code), `mutation ${i}: ${err.code}`);
      refused += 1;
    }
  }
  assert.ok(refused > 100, `only ${refused} of 1500 mutations were refused`);
});
