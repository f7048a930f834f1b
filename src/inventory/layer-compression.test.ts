import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isVouchError } from '../errors.js';
import { layerStreamOf } from './layer-compression.js';

const DOCKER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const bytesOf = async (r: Readable): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const c of r as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
};
const chunked = (b: Buffer, size: number): Readable => Readable.from((function* () { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); })(), { objectMode: false });

test('layer compression: Docker gzip-typed layers are read by their first bytes, every other type by its media type', async () => {
  const tar = Buffer.alloc(1024, 0);
  tar.write('foo', 0);
  const gz = gzipSync(tar);
  // A plain tar under Docker's gzip type (skopeo writes these) is read as the runtimes read it: plain.
  const plain = await layerStreamOf(DOCKER, chunked(tar, 1), 'x');
  assert.equal(plain.compression, 'none');
  assert.deepEqual(await bytesOf(plain.stream), tar);
  // The gzip magic split over two chunks is still found, and no byte is lost.
  const zipped = await layerStreamOf(DOCKER, chunked(gz, 1), 'x');
  assert.equal(zipped.compression, 'gzip');
  assert.deepEqual(await bytesOf(zipped.stream), gz);
  const empty = await layerStreamOf(DOCKER, Readable.from([], { objectMode: false }), 'x');
  assert.equal(empty.compression, 'none');
  assert.equal((await bytesOf(empty.stream)).length, 0);
  // OCI types are never sniffed: a plain tar under tar+gzip stays "gzip" and fails to decompress later.
  assert.equal((await layerStreamOf(OCI_GZIP, chunked(tar, 512), 'x')).compression, 'gzip');
  await assert.rejects(layerStreamOf('application/x-unknown', chunked(tar, 512), 'x'), (e: unknown) => isVouchError(e) && e.code === 'UNSUPPORTED_FORMAT');
});

test('layer compression: an error of the blob stream (a digest mismatch) reaches the reader after sniffing', async () => {
  const failing = new Readable({
    read() {
      this.push(Buffer.from([0x1f, 0x8b, 0x08]));
      this.destroy(new Error('blob digest mismatch'));
    },
  });
  // Whether it ends the sniffing or the reading, the blob's own error is what the caller sees.
  await assert.rejects(async () => bytesOf((await layerStreamOf(DOCKER, failing, 'x')).stream), /digest mismatch/);
});

test('layer compression: zstd, bzip2 and xz under Docker gzip type are refused (a runtime would decompress them; vouch would read a tar)', async () => {
  const heads: [string, Buffer][] = [
    ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0])],
    ['zstd skippable', Buffer.from([0x5f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0])],
    ['bzip2', Buffer.from('BZh91AY&SY')],
    ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0])],
  ];
  for (const [what, head] of heads) {
    const blob = Buffer.concat([head, Buffer.alloc(1024)]);
    await assert.rejects(layerStreamOf(DOCKER, chunked(blob, 1), 'x'), (e: unknown) => isVouchError(e) && e.code === 'UNSUPPORTED_FORMAT', what);
  }
});
