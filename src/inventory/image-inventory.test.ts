import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isVouchError } from '../errors.js';
import { blobOf, buildImage, manifestOf, tarOf } from '../testing/registry.js';
import type { Compression, FileSpec } from '../testing/registry.js';
import { squash, TEST_INVENTORY_LIMITS } from '../testing/image-filesystem.js';

const LIMITS = TEST_INVENTORY_LIMITS;
const hex = (algo: string, s: string | Buffer): string => createHash(algo).update(s).digest('hex');

const layer = (files: FileSpec[], compression: Compression = 'gzip') => ({ files, compression });

test('inventory: layers apply in order with OCI whiteouts, opaque dirs and replaced directories', async () => {
  const image = await buildImage([
    layer([
      { path: 'etc/', type: 'directory' },
      { path: 'etc/keep', content: 'keep' },
      { path: 'etc/gone', content: 'gone' },
      { path: 'opt/app/a', content: 'a' },
      { path: 'opt/app/b', content: 'b' },
      { path: 'var/cache/x/y', content: 'y' },
      { path: 'data/file', content: 'old' },
    ]),
    layer(
      [
        { path: 'etc/.wh.gone', content: '' },
        { path: 'opt/app/c', content: 'c' },
        { path: 'opt/app/.wh..wh..opq', content: '' },
        { path: 'var/cache', content: 'now a file' },
        { path: './data/file', content: 'new' },
        { path: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
        { path: 'bin/busybox', content: 'busybox' },
        { path: 'bin/ash', type: 'link', linkname: 'bin/busybox' },
      ],
      'zstd',
    ),
    layer([{ path: '.wh.bin', content: '' }, { path: 'bin/true', content: 'true' }], 'none'),
  ]);
  const fs = await squash(image);
  const paths = [...fs.table.files.keys()].sort();
  assert.deepEqual(paths, ['bin/true', 'data/file', 'etc', 'etc/keep', 'opt/app/c', 'var/cache']);
  const data = fs.table.files.get('data/file');
  assert.equal(data?.sha256, hex('sha256', 'new'));
  assert.equal(data?.sha1, hex('sha1', 'new'));
  assert.equal(data?.layer, image.layers[1]?.digest);
  assert.equal(fs.table.files.get('var/cache')?.type, 'file');
  assert.deepEqual(fs.layers.map((l) => l.files), [7, 6, 1]);
});

test('inventory: hard links take their target content; symlinks keep the target text and its SHA-1', async () => {
  const fs = await squash(await buildImage([layer([
    { path: 'bin/busybox', content: 'busybox' },
    { path: 'bin/ash', type: 'link', linkname: 'bin/busybox' },
    { path: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
  ])]));
  assert.equal(fs.table.files.get('bin/ash')?.sha256, hex('sha256', 'busybox'));
  assert.equal(fs.table.files.get('bin/sh')?.linkTarget, '/bin/busybox');
  assert.equal(fs.table.files.get('bin/sh')?.sha1, hex('sha1', '/bin/busybox'));
});

test('inventory: absolute paths and ".." are refused, never applied', async () => {
  for (const files of [[{ path: '../etc/passwd', content: 'x' }], [{ path: 'a/../../b', content: 'x' }], [{ path: 'bin/ash', type: 'link' as const, linkname: '../../etc/shadow' }]]) {
    await assert.rejects(squash(await buildImage([layer(files)])), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED', JSON.stringify(files));
  }
  // tar-stream will not write an absolute name, so patch one into a tar header by hand.
  const tar = await tarOf([{ path: 'xetc/passwd', content: 'x' }]);
  tar[0] = 0x2f;
  const sum = [...tar.subarray(0, 512)].reduce((a, b, i) => a + (i >= 148 && i < 156 ? 32 : b), 0);
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const gz = blobOf(gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const config = blobOf(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [`sha256:${hex('sha256', tar)}`] } }), 'application/vnd.oci.image.config.v1+json');
  const image = { manifest: manifestOf(config, [gz]), config, layers: [gz] };
  await assert.rejects(squash(image), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED' && /absolute/.test(e.message));
});

test('inventory: entry, size and ratio caps hold', async () => {
  const many = await buildImage([layer(Array.from({ length: 50 }, (_, i) => ({ path: `f${i}`, content: `${i}` })))]);
  await assert.rejects(squash(many, { ...LIMITS, maxEntries: 49 }), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
  const big = await buildImage([layer([{ path: 'zeros', content: Buffer.alloc(20 << 20) }])]);
  await assert.rejects(squash(big, { ...LIMITS, maxDecompressedBytes: 1 << 20 }), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
  await assert.rejects(squash(big, { ...LIMITS, maxRatio: 100 }), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED' && /ratio/.test(e.message));
  assert.equal((await squash(big, { ...LIMITS, maxRatio: 100_000 })).table.files.get('zeros')?.size, 20 << 20);
});

test('inventory: a layer whose content differs from the diff_id, or an unknown layer type, fails', async () => {
  const image = await buildImage([layer([{ path: 'a', content: 'a' }])]);
  const config = blobOf(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } }), 'application/vnd.oci.image.config.v1+json');
  await assert.rejects(squash({ ...image, config, manifest: manifestOf(config, image.layers) }), (e: unknown) => isVouchError(e) && e.code === 'DIGEST_MISMATCH');
  const odd = { ...(image.layers[0] as (typeof image.layers)[number]), mediaType: 'application/vnd.example.layer' };
  await assert.rejects(squash({ ...image, layers: [odd], manifest: manifestOf(image.config, [odd]) }), (e: unknown) => isVouchError(e) && e.code === 'UNSUPPORTED_FORMAT');
  const twoIds = blobOf(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] } }), 'application/vnd.oci.image.config.v1+json');
  await assert.rejects(squash({ ...image, config: twoIds, manifest: manifestOf(twoIds, image.layers) }), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED');
});

test('inventory: corrupted gzip and zstd streams fail', async () => {
  for (const compression of ['gzip', 'zstd'] as const) {
    const image = await buildImage([layer([{ path: 'a', content: 'a'.repeat(1000) }], compression)]);
    const l = image.layers[0] as (typeof image.layers)[number];
    const cut = blobOf(l.bytes.subarray(0, l.bytes.length - 20), l.mediaType);
    await assert.rejects(squash({ ...image, layers: [cut], manifest: manifestOf(image.config, [cut]) }), (e: unknown) => isVouchError(e), compression);
  }
});
