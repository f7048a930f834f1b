/**
 * Hostile layers: generated tar bytes that Go's archive/tar (containerd, umoci) and other readers
 * could unpack differently. vouch must either read exactly what Go reads or refuse the layer
 * (LAYER_INVALID naming the layer and the entry); nothing here may pass as a normal inventory.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mutated, seededRandom } from '../testing/seeded-random.js';
import { isVouchError } from '../errors.js';
import { encodeName } from '../sources/tar/names.js';
import { entry, file, gnuLong, imageOfTars, pax, tar } from '../testing/raw-tar.js';
import { squash } from '../testing/image-filesystem.js';
import type { ImageFilesystem } from './image-inventory.js';


async function refused(tars: Buffer[], message: RegExp, code = 'LAYER_INVALID'): Promise<void> {
  const image = imageOfTars(tars);
  await assert.rejects(squash(image), (err: unknown) => {
    assert.ok(isVouchError(err), String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    if (code === 'LAYER_INVALID') assert.match(err.message, /layer sha256:[0-9a-f]{64}/);
    return true;
  });
}

const paths = (fs: ImageFilesystem): string[] => [...fs.table.files.keys()].sort();

test('hostile layers: entries after the end-of-archive marker are refused, zero padding is not', async () => {
  const evil = file('usr/bin/hello', 'backdoor');
  // An honest copy after the marker would hide the malicious one before it from a reader that goes on.
  await refused([tar([evil], file('usr/bin/hello', 'honest'))], /[0-9a-f]: data after the end-of-archive marker at byte 2048 \(an entry "usr\/bin\/hello"\)/);
  // A whiteout after the marker would delete the backdoor only in that reader's view.
  await refused([tar([file('usr/bin/hello', 'x')]), tar([evil], file('usr/bin/.wh.hello'))], /after the end-of-archive marker/);
  // Any non-zero byte, anywhere after the marker, even off a block boundary.
  await refused([tar([file('a', 'a')], Buffer.concat([Buffer.alloc(777), Buffer.of(1)]))], /after the end-of-archive marker at byte 2825/);
  // One zero block and then a header: Go's ErrHeader.
  await refused([Buffer.concat([file('a', 'a'), Buffer.alloc(512), file('b', 'b')])], /a zero block followed by data/);
  // Zero padding after the marker (tar writers pad to 10 KiB records), one zero block at the end,
  // or no marker at all: what Go reads, vouch reads.
  for (const t of [tar([file('a', 'a')], Buffer.alloc(9216)), Buffer.concat([file('a', 'a'), Buffer.alloc(512)]), file('a', 'a')]) {
    assert.deepEqual(paths(await squash(imageOfTars([t]))), ['a']);
  }
});

test('hostile layers: GNU long names and PAX paths resolve as in Go, and contradicting ones are refused', async () => {
  const long = `usr/bin/${'h'.repeat(120)}`;
  // The case from the issue: PAX path says var/cache/apk/…, the GNU long name usr/bin/hello.
  await refused([tar([pax({ path: 'var/cache/apk/x' }), gnuLong('usr/bin/hello'), file('short', 'evil')])], /GNU long name "usr\/bin\/hello" and PAX path "var\/cache\/apk\/x" disagree/);
  await refused([tar([gnuLong('usr/bin/hello'), pax({ path: 'var/cache/apk/x' }), file('short', 'evil')])], /disagree/);
  await refused([tar([pax({ linkpath: 'etc/shadow' }), gnuLong('etc/passwd', 'K'), entry({ name: 'l', type: '2', linkname: 'x' })])], /GNU long link name "etc\/passwd" and PAX linkpath "etc\/shadow" disagree/);
  // Repeated meta headers: Go keeps the last, other readers merge or keep the first.
  await refused([tar([pax({ path: 'a' }), pax({ path: 'b' }), file('c', 'x')])], /a second PAX header/);
  await refused([tar([gnuLong('a'), gnuLong('b'), file('c', 'x')])], /a second GNU long name/);
  await refused([tar([pax({ path: 'a', size: '1' }), file('c', 'xx')])], /PAX size 1 and header size 2 disagree/);
  await refused([tar([pax({ mtime: 'soon' }), file('c', 'x')])], /PAX mtime "soon" is not a time/);
  await refused([tar([pax({ path: 'x', uid: '-1' }), file('c', 'x')])], /PAX uid "-1" is not a whole number/);
  // A global header: Go ignores it, GNU tar and libarchive apply its path to what follows.
  await refused([tar([pax({ path: 'usr/bin/hello' }, 'g'), file('c', 'x')])], /entry 1 "PaxHeader": a PAX global header/);
  await refused([tar([pax({ comment: 'even a comment' }, 'g'), file('c', 'x')])], /a PAX global header/);
  await refused([tar([pax({ path: 'usr/bin/hello' })])], /not followed by an entry/);
  // Types Go, containerd and other readers treat differently.
  await refused([tar([entry({ name: 'l', type: '2', linkname: 'x', content: file('usr/bin/hello', 'evil') })])], /a symlink entry with size 1024/);
  await refused([tar([entry({ name: 'l', type: '2', linkname: 'x', size: 512 })])], /a symlink entry with size 512/);
  await refused([tar([entry({ name: 's', type: 'S', content: 'x' })])], /GNU sparse file/);
  await refused([tar([pax({ 'GNU.sparse.major': '1', 'GNU.sparse.name': 'usr/bin/hello' }), file('s', 'x')])], /GNU sparse file/);
  await refused([tar([entry({ name: 'c', type: '7', content: 'x' })])], /unsupported entry type "7"/);
  // Same-layer whiteout after the entry it names: containerd deletes it, the OCI spec keeps it.
  await refused([tar([file('usr/bin/hello', 'x'), file('usr/bin/.wh.hello')])], /whiteout of a path the same layer created before it/);
  await refused([tar([file('opt/a/b', 'x'), file('opt/.wh.a')])], /whiteout of a path the same layer created before it/);

  // Where names agree, or only one is given, Go's resolution: PAX over the header, GNU over both.
  const fs = await squash(
    imageOfTars([
      tar([
        pax({ path: long }),
        gnuLong(long),
        file('trunc', 'agreeing'),
        pax({ path: 'from/pax' }),
        file('from/header', 'pax wins'),
        pax({ path: '' }),
        gnuLong('from/gnu'),
        file('from/header2', 'gnu wins over an empty PAX path'),
        entry({ name: 'name', prefix: 'from/prefix', content: 'ustar prefix' }),
        entry({ name: 'gnu/atime-field-not-a-prefix', format: 'gnu', content: 'gnu' }),
        entry({ name: 'olddir/', type: '\0' }),
        gnuLong('long/link/target/name', 'K'),
        entry({ name: 'lnk', type: '2', linkname: 'short' }),
      ]),
    ]),
  );
  assert.deepEqual(paths(fs), ['from/gnu', 'from/pax', 'from/prefix/name', 'gnu/atime-field-not-a-prefix', 'lnk', long, 'olddir'].sort());
  assert.equal(fs.table.files.get('olddir')?.type, 'dir');
  assert.equal(fs.table.files.get('lnk')?.linkTarget, 'long/link/target/name');
});

test('hostile layers: names that are not UTF-8 stay distinct through whiteouts', async () => {
  const a = Buffer.from([0x62, 0x69, 0x6e, 0x2f, 0xff]); // "bin/\xff"
  const b = Buffer.from([0x62, 0x69, 0x6e, 0x2f, 0xfe]); // "bin/\xfe": both would decode to "bin/\ufffd"
  const whA = Buffer.concat([Buffer.from('bin/.wh.'), Buffer.of(0xff)]);
  const fs = await squash(imageOfTars([tar([file(a, 'kept? no'), file(b, 'backdoor')]), tar([file(whA)])]));
  const left = paths(fs);
  assert.equal(left.length, 1);
  assert.deepEqual(encodeName(left[0] as string), b, 'the whiteout removed exactly the name it names');
  assert.equal(fs.table.files.get(left[0] as string)?.size, 'backdoor'.length);
  // A PAX path can carry raw bytes too; it is the same name as the header's raw bytes.
  const viaPax = await squash(imageOfTars([tar([pax({ path: a }), file('x', '1'), file(a, '2')])]));
  assert.equal(viaPax.table.files.size, 1);
});

test('hostile layers: a fuzzed layer is read or refused, never anything else', async () => {
  const base = tar([pax({ path: 'p/x' }), file('a', 'aaaa'), gnuLong('q/'.repeat(60)), file('b', 'b'), entry({ name: 'd', type: '5' }), entry({ name: 'l', type: '2', linkname: 'a' })]);
  const rand = seededRandom(7);
  for (let i = 0; i < 300; i++) {
    const cut = mutated(base, rand);
    try {
      await squash(imageOfTars([cut]));
    } catch (err) {
      assert.ok(isVouchError(err), `mutation ${i}: ${String(err)}`);
      assert.ok(['LAYER_INVALID', 'INPUT_MALFORMED'].includes(err.code), `mutation ${i}: ${err.code} ${err.message}`);
    }
  }
});
