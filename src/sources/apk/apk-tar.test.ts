/**
 * The apk path's tar readers keep the layer rules: the end-of-archive marker ends the data,
 * contradicting GNU/PAX names are refused, names that are not UTF-8 stay distinct.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { entry, file, gnuLong, pax, tar } from '../../testing/raw-tar.js';
import { consumeDataSegment } from './data-segment.js';
import { readSmallTar } from './small-tar.js';

const OPTS = { maxEntries: 1000, maxDocumentBytes: 1 << 20 };
const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
const checked = (name: string | Buffer, content: string): Buffer => Buffer.concat([pax({ 'APK-TOOLS.checksum.SHA1': sha1(content) }), file(name, content)]);

async function malformed(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => isVouchError(err) && err.code === 'INPUT_MALFORMED' && message.test(err.message));
}

test('apk tar: the data segment ends at the end-of-archive marker; data after it is refused', async () => {
  const ok = await consumeDataSegment([tar([checked('usr/bin/hello', 'hi')], Buffer.alloc(4096))], OPTS);
  assert.equal(ok.files, 1);
  assert.equal(ok.checksumsVerified, 1);
  await malformed(consumeDataSegment([tar([checked('usr/bin/hello', 'evil')], checked('usr/bin/hello', 'honest'))], OPTS), /data after the end-of-archive marker .*usr\/bin\/hello|data after the end-of-archive marker/);
  await malformed(readSmallTar(tar([file('.PKGINFO', 'pkgname = a\n')], file('.PKGINFO', 'pkgname = b\n')), 'apk control segment', 8), /apk control segment is not a readable tar stream: .*after the end-of-archive marker/);
});

test('apk tar: GNU long names and PAX paths that disagree are refused; agreeing ones read as Go reads them', async () => {
  await malformed(consumeDataSegment([tar([pax({ path: 'var/cache/apk/x' }), gnuLong('usr/bin/hello'), file('s', 'evil')])], OPTS), /disagree/);
  await malformed(readSmallTar(tar([gnuLong('.PKGINFO'), pax({ path: '.evil' }), file('s', 'x')]), 'apk control segment', 8), /disagree/);
  const s = await consumeDataSegment([tar([pax({ path: `usr/${'l'.repeat(150)}`, 'APK-TOOLS.checksum.SHA1': sha1('x') }), gnuLong(`usr/${'l'.repeat(150)}`), file('trunc', 'x'), entry({ name: 'd', type: '5' })])], OPTS);
  assert.equal(s.files, 1);
  assert.equal(s.directories, 1);
  assert.equal(s.checksumsVerified, 1);
});

test('apk tar: names that are not UTF-8 stay distinct and are reported escaped', async () => {
  const a = Buffer.from([0x2f, 0x61, 0xff]);
  const s = await consumeDataSegment([tar([file(a, 'x'), file(Buffer.from([0x62, 0xfe]), 'y')])], OPTS);
  assert.equal(s.files, 2);
  assert.deepEqual(s.unchecked, ['/a\\xff', 'b\\xfe']);
  assert.deepEqual(s.unsafePaths, [{ path: '/a\\xff', reason: 'absolute path' }]);
});
