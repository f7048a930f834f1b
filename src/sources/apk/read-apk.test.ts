import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isVouchError } from '../../errors.js';
import { DEFAULT_LIMITS } from '../../pipeline/options.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { buildApk, tarOf } from './build-apk.js';
import { readApk } from './read-apk.js';
import type { ApkContents } from './read-apk.js';

const PACKAGES = 'chainguard-dev-apko/internal/cli/testdata/packages/x86_64';

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let off = 0; off < buf.length; off += size) yield buf.subarray(off, off + size);
}

const read = (buf: Buffer, limits = DEFAULT_LIMITS, size = 4096): Promise<ApkContents> => readApk(chunks(buf, size), limits);

async function rejects(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => isVouchError(err) && err.code === code && (!pattern || pattern.test(err.message)));
}

function pkginfoOf(apk: ApkContents): Record<string, unknown> {
  assert.ok(apk.control.pkginfo.ok);
  return apk.control.pkginfo.info as unknown as Record<string, unknown>;
}

test('readApk: a Wolfi-signed package with an SBOM (melange test.apk)', needsRealdata(), async () => {
  const path = realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk');
  const apk = await readApk(createReadStream(path), DEFAULT_LIMITS);
  assert.equal(apk.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
  assert.equal(apk.size, 1702);
  assert.equal(apk.members, 3);
  assert.deepEqual(apk.signatures?.map((s) => [s.algorithm, s.keyName, s.signature.length]), [['RSA', 'wolfi-signing.rsa.pub', 512]]);
  const info = pkginfoOf(apk);
  assert.equal(info['pkgname'], 'wolfi-base');
  assert.equal(info['pkgver'], '1-r1');
  assert.equal(info['arch'], 'aarch64');
  assert.deepEqual(info['depends'], ['apk-tools', 'busybox', 'wolfi-keys']);
  assert.equal(info['datahash'], apk.dataHash);
  assert.equal(apk.control.compressed.length, 941 - 650);
  assert.deepEqual(apk.data.sboms.map((s) => s.path), ['var/lib/db/sbom/wolfi-base-1-r1.spdx.json']);
  assert.equal(apk.data.mismatchCount, 0);
  assert.equal(apk.data.checksumsVerified, 1);
});

test('readApk: tzdata, data split over four gzip members, hard links and symlinks checked', needsRealdata(), async () => {
  const buf = readFileSync(realdata(`${PACKAGES}/tzdata-2023c-r0.apk`));
  for (const size of [1000, 65536]) {
    const apk = await read(buf, DEFAULT_LIMITS, size);
    assert.equal(apk.members, 6);
    assert.equal(pkginfoOf(apk)['datahash'], apk.dataHash);
    assert.equal(apk.data.hardlinks, 460);
    assert.equal(apk.data.symlinks, 33);
    assert.equal(apk.data.checksumsVerified, 707 + 460 + 33);
    assert.equal(apk.data.mismatchCount, 0);
  }
});

test('readApk: unsigned packages have no signature segment', needsRealdata(), async () => {
  for (const path of ['chainguard-dev-apko/pkg/apk/apk/testdata/hello-0.1.0-r0.apk', 'chainguard-dev-apko/pkg/apk/apk/testdata/replaces/replaces-0.0.1-r0.apk']) {
    const apk = await read(readFileSync(realdata(path)));
    assert.equal(apk.signatures, undefined);
    assert.equal(apk.members, 2);
  }
});

test('readApk: the tampered aws-c-s3 fixture reads, and its datahash does not match', needsRealdata(), async () => {
  const apk = await read(readFileSync(realdata('chainguard-dev-melange/pkg/sca/testdata/aws-c-s3-0.4.9-r0.apk')));
  assert.notEqual(pkginfoOf(apk)['datahash'], apk.dataHash);
});

const FILES = [
  { name: 'usr/', type: 'directory' as const },
  { name: 'usr/bin/hello', content: Buffer.from('#!/bin/sh\necho hello\n') },
  { name: 'usr/bin/hi', type: 'symlink' as const, linkname: 'hello' },
  { name: 'usr/bin/hey', type: 'link' as const, linkname: 'usr/bin/hello', pax: { 'APK-TOOLS.checksum.SHA1': createHash('sha1').update('#!/bin/sh\necho hello\n').digest('hex') } },
];

test('readApk: a synthetic package reads the same from one chunk or byte by byte', async () => {
  const buf = await buildApk({ files: FILES, dataMembers: 3 });
  const whole = await read(buf, DEFAULT_LIMITS, buf.length);
  const bytewise = await read(buf, DEFAULT_LIMITS, 1);
  assert.equal(whole.dataHash, bytewise.dataHash);
  assert.deepEqual(whole.data, bytewise.data);
  assert.equal(whole.data.checksumsVerified, 3);
  assert.equal(pkginfoOf(whole)['datahash'], whole.dataHash);
});

test('readApk: wrong and missing per-file checksums are reported with their paths', async () => {
  const buf = await buildApk({
    files: [
      { name: 'a', content: Buffer.from('a'), pax: { 'APK-TOOLS.checksum.SHA1': '0'.repeat(40) } },
      { name: 'b', content: Buffer.from('b'), pax: null },
      { name: 'c', content: Buffer.from('c') },
    ],
  });
  const apk = await read(buf);
  assert.deepEqual(apk.data.mismatches.map((m) => m.path), ['a']);
  assert.deepEqual(apk.data.unchecked, ['b']);
  assert.equal(apk.data.checksumsVerified, 1);
});

test('readApk: absolute and ".." paths are reported, never used', async () => {
  const buf = await buildApk({
    files: [
      { name: '/etc/passwd', content: Buffer.from('x') },
      { name: 'usr/../../etc/shadow', content: Buffer.from('y') },
      { name: 'evil', type: 'link', linkname: '../../etc/passwd', pax: null },
    ],
  });
  const apk = await read(buf);
  assert.equal(apk.data.unsafeCount, 3);
  assert.deepEqual(apk.data.unsafePaths.map((p) => p.reason.split(':')[0]), ['absolute path', 'path climbs out of the root with ".."', 'hard link target']);
});

test('readApk: an oversized .PKGINFO is LIMIT_EXCEEDED', async () => {
  const huge = `pkgname = x\npkgver = 1-r0\narch = x86_64\npkgdesc = ${'a'.repeat(2 * 1024 * 1024)}\n`;
  await rejects(read(await buildApk({ pkginfo: huge })), 'LIMIT_EXCEEDED', /PKGINFO/);
});

test('readApk: a gzip bomb in the data segment is LIMIT_EXCEEDED', async () => {
  const bomb = gzipSync(Buffer.alloc(256 * 1024 ** 2), { level: 9 });
  const control = gzipSync(await tarOf([{ name: '.PKGINFO', content: Buffer.from('pkgname = b\npkgver = 1-r0\narch = x86_64\n'), pax: null }], true));
  await rejects(read(Buffer.concat([control, bomb]), DEFAULT_LIMITS, 65536), 'LIMIT_EXCEEDED');
  await rejects(read(Buffer.concat([control, bomb]), { ...DEFAULT_LIMITS, maxRatio: 1e9, maxDecompressedBytes: 8 * 1024 ** 2 }, 65536), 'LIMIT_EXCEEDED');
});

test('readApk: too many entries is LIMIT_EXCEEDED', async () => {
  const files = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, content: Buffer.from(String(i)) }));
  await rejects(read(await buildApk({ files }), { ...DEFAULT_LIMITS, maxEntries: 20 }), 'LIMIT_EXCEEDED');
});

test('readApk: truncated files, garbage and wrong layouts are INPUT_MALFORMED', async () => {
  const good = await buildApk({ files: FILES });
  for (const cut of [1, 20, 300, good.length - 100, good.length - 1]) await rejects(read(good.subarray(0, cut)), 'INPUT_MALFORMED');
  await rejects(read(Buffer.from('PK\x03\x04 this is a zip, not an apk')), 'INPUT_MALFORMED');
  await rejects(read(gzipSync(Buffer.from('plain text, not tar'))), 'INPUT_MALFORMED');
  // Only a control segment: no data segment.
  const control = gzipSync(await tarOf([{ name: '.PKGINFO', content: Buffer.from('pkgname = b\npkgver = 1-r0\narch = x86_64\n'), pax: null }], true));
  await rejects(read(control), 'INPUT_MALFORMED', /no data segment/);
  // A data file inside the control segment.
  const mixed = gzipSync(await tarOf([{ name: '.PKGINFO', content: Buffer.from('pkgname = b\n'), pax: null }, { name: 'usr/bin/x', content: Buffer.from('x') }], true));
  await rejects(read(Buffer.concat([mixed, gzipSync(await tarOf([], false))])), 'INPUT_MALFORMED', /not a control file/);
});

test('readApk: a .PKGINFO without pkgname is reported, not thrown', async () => {
  const apk = await read(await buildApk({ pkginfo: 'pkgver = 1-r0\narch = x86_64\nnonsense line\n' }));
  assert.equal(apk.control.pkginfo.ok, false);
  assert.ok(!apk.control.pkginfo.ok && apk.control.pkginfo.problems.some((p) => p.includes('pkgname')));
});

test('readApk: a source that reuses its buffer (the local file reader does) reads the same package', needsRealdata(), async () => {
  for (const path of [`${PACKAGES}/replayout-1.0.0-r0.apk`, 'chainguard-dev-apko/internal/cli/testdata/packages/x86_64/tzdata-2023c-r0.apk']) {
    const original = readFileSync(realdata(path));
    async function* reusing(size: number): AsyncGenerator<Buffer> {
      const buf = Buffer.alloc(size);
      for (let off = 0; off < original.length; off += size) {
        const n = original.copy(buf, 0, off, off + size);
        yield buf.subarray(0, n);
        buf.fill(0x5a); // what a consumer kept without copying is now garbage
      }
    }
    const expected = await read(original);
    for (const size of [512, 4096, 1024 * 1024]) {
      const got = await readApk(reusing(size), DEFAULT_LIMITS);
      assert.deepEqual(got, expected, `${path} read in reused chunks of ${size}`);
    }
  }
});
