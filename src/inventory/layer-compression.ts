import { Readable } from 'node:stream';
import { fail } from '../errors.js';
import { ByteReader } from '../sources/tar/byte-reader.js';
import { SNIFF_BYTES, sniffCompression } from '../sources/compression-magic.js';
import type { LayerCompression } from '../sources/image/media-types.js';
import { layerCompression } from '../sources/image/media-types.js';

/** Docker's schema 2 layer type: the schema has no uncompressed layer type, so tools write plain tars under it too. */
const DOCKER_GZIP_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
/** After the sniffed bytes, the blob passes on in its own chunks (at most this large). */
const REPLAY_PIECE = 1 << 20;

/**
 * How a layer blob is compressed. For every media type but one, the media type says it, and bytes
 * that do not match are refused when they are decompressed. Docker's `…diff.tar.gzip` is the
 * exception: Docker's image format names no uncompressed layer type, and tools write plain tars
 * under the gzip type (skopeo copying a `docker save` archive to `dir:`, for one). containerd and
 * Docker read such a layer by its first bytes (containerd's DecompressStream), so vouch does the
 * same here, and only here: gzip when it starts with the gzip magic, otherwise plain tar. The same
 * detection in containerd and Docker also decompresses zstd (and Docker bzip2 and xz): such a
 * blob is refused, since a tar that is also a zstd stream (its magic hidden in an entry's name)
 * would otherwise show vouch the tar and the runtime the zstd content. The blob is verified
 * against its digest while it streams, and its uncompressed bytes against the config's diff_id.
 */
export async function layerStreamOf(mediaType: string, blob: Readable, what: string): Promise<{ readonly stream: Readable; readonly compression: LayerCompression }> {
  const declared = layerCompression(mediaType);
  if (!declared) return fail('UNSUPPORTED_FORMAT', `${what} has unsupported media type ${mediaType}`);
  if (mediaType !== DOCKER_GZIP_LAYER) return { stream: blob, compression: declared };
  const reader = new ByteReader(blob as AsyncIterable<Buffer>);
  let head: Buffer;
  try {
    head = await reader.read(SNIFF_BYTES);
  } catch (err) {
    blob.destroy();
    throw err;
  }
  const sniffed = sniffCompression(head);
  if (sniffed !== undefined && sniffed !== 'gzip') {
    blob.destroy();
    return fail('UNSUPPORTED_FORMAT', `${what} is ${sniffed}-compressed under Docker's gzip layer type; a runtime would decompress it, vouch refuses it`);
  }
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let piece = await reader.next(REPLAY_PIECE); piece !== undefined; piece = await reader.next(REPLAY_PIECE)) yield piece;
  }
  const stream = Readable.from(replay(), { objectMode: false });
  stream.on('close', () => blob.destroy());
  return { stream, compression: sniffed === 'gzip' ? 'gzip' : 'none' };
}
