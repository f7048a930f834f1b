/**
 * A root filesystem given as one tar file (`docker export`, `tar -C root -c .`), plain or
 * compressed with gzip or zstd, recognised by its first bytes (a tar has no magic at offset 0, so
 * anything that is not gzip or zstd is read as plain tar, and the tar reader refuses what is not
 * one). The file is opened through local-file.ts (regular files only) and read once, as a
 * stream; its SHA-256 is computed on the way and is the subject digest, so the report names
 * exactly the bytes that were audited.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { LayerCompression } from '../image/media-types.js';
import { openInputStream } from '../local-file.js';
import { fail } from '../../errors.js';
import { sniffCompression } from '../compression-magic.js';

export interface RootfsTar {
  /** The file's bytes as stored (still compressed), hashed as they pass. */
  readonly stream: Readable;
  readonly compression: LayerCompression;
  readonly size: number;
  /** "sha256:<hex>" of the whole file; valid once the stream has ended. */
  digest(): string;
}

/**
 * gzip and zstd are read; bzip2 and xz are refused, not read as a tar: a tar reader given them
 * would refuse them anyway, but only after saying less than this.
 */
function compressionOf(head: Buffer, path: string): LayerCompression {
  const sniffed = sniffCompression(head);
  if (sniffed === 'bzip2' || sniffed === 'xz') return fail('UNSUPPORTED_FORMAT', `root filesystem tar ${path} is ${sniffed}-compressed; give it uncompressed, gzip or zstd`);
  return sniffed ?? 'none';
}

export async function openRootfsTar(path: string, signal?: AbortSignal): Promise<RootfsTar> {
  const { stream, size } = await openInputStream(path, { what: 'root filesystem tar', ...(signal && { signal }) });
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await chunks.next();
  } catch (err) {
    stream.destroy();
    throw err;
  }
  // The first chunk is the stream's first read (up to 64 KiB): the magic is in it unless the
  // file is shorter than the magic, and then it is no compressed stream either.
  const head = first.done ? Buffer.alloc(0) : first.value;
  let compression: LayerCompression;
  try {
    compression = compressionOf(head, path);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* hashed(): AsyncGenerator<Buffer> {
    try {
      if (!first.done) {
        hash.update(head);
        yield head;
      }
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        hash.update(next.value);
        yield next.value;
      }
      digest = `sha256:${hash.digest('hex')}`;
    } finally {
      stream.destroy();
    }
  }
  return {
    stream: Readable.from(hashed(), { objectMode: false }),
    compression,
    size,
    digest: () => {
      if (digest === undefined) throw new Error('the root filesystem tar was not read to its end');
      return digest;
    },
  };
}
