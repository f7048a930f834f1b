import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { isVouchError } from '../errors.js';
import { openRootfsTar } from './rootfs/open-tar.js';
import { tempDir } from '../testing/registry.js';
import { sniffCompression } from './compression-magic.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

const skippable = Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]);
const bzip2 = Buffer.from('BZh91AY&SY');
const xz = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4]);

test('one table of compression magics: gzip, zstd (also after a skippable frame), bzip2, xz; a tar is none', () => {
  assert.equal(sniffCompression(gzipSync('x')), 'gzip');
  assert.equal(sniffCompression(zstdCompressSync('x')), 'zstd');
  assert.equal(sniffCompression(skippable), 'zstd');
  assert.equal(sniffCompression(bzip2), 'bzip2');
  assert.equal(sniffCompression(xz), 'xz');
  assert.equal(sniffCompression(Buffer.from('etc/passwd\0')), undefined);
  assert.equal(sniffCompression(Buffer.alloc(0)), undefined);
});

test('a root filesystem tar compressed with bzip2 or xz is refused, one behind a zstd skippable frame read as zstd', async () => {
  const t = tempDir('vouch-magic-');
  try {
    for (const [name, head] of [['r.tar.bz2', bzip2], ['r.tar.xz', xz]] as const) {
      const path = join(t.dir, name);
      writeFileSync(path, Buffer.concat([head, Buffer.alloc(1024)]));
      await assert.rejects(openRootfsTar(path), (e: unknown) => isVouchError(e) && e.code === 'UNSUPPORTED_FORMAT', name);
    }
    const path = join(t.dir, 'r.tar.zst');
    writeFileSync(path, Buffer.concat([skippable, zstdCompressSync(Buffer.alloc(1024))]));
    const tar = await openRootfsTar(path);
    assert.equal(tar.compression, 'zstd');
    tar.stream.destroy();
  } finally {
    t.remove();
  }
});
