/**
 * A root filesystem given as one tar file (`docker export`, `tar -C root -c .`), plain or
 * compressed with gzip or zstd, recognised by its first bytes (a tar has no magic at offset 0, so
 * anything that is not gzip or zstd is read as plain tar, and the tar reader refuses what is not
 * one). The file is read once, as a stream; its SHA-256 is computed on the way and is the
 * subject digest, so the report names exactly the bytes that were audited.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import type { LayerCompression } from '../image/media-types.js';
import { openInputFile } from '../local-file.js';

export interface RootfsTar {
  /** The file's bytes as stored (still compressed), hashed as they pass. */
  readonly stream: Readable;
  readonly compression: LayerCompression;
  readonly size: number;
  /** "sha256:<hex>" of the whole file; valid once the stream has ended. */
  digest(): string;
}

const GZIP = Buffer.from([0x1f, 0x8b]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export async function openRootfsTar(path: string, signal?: AbortSignal): Promise<RootfsTar> {
  const { handle, size } = await openInputFile(path, { what: 'root filesystem tar' });
  let compression: LayerCompression;
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    const magic = head.subarray(0, bytesRead);
    compression = magic.subarray(0, 2).equals(GZIP) ? 'gzip' : magic.equals(ZSTD) ? 'zstd' : 'none';
  } catch (err) {
    await handle.close();
    throw err;
  }
  const hash = createHash('sha256');
  let digest: string | undefined;
  const hashing = new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      digest = `sha256:${hash.digest('hex')}`;
      done();
    },
  });
  const raw = handle.createReadStream({ start: 0, autoClose: true, highWaterMark: 1024 * 1024, ...(signal && { signal }) });
  raw.on('error', (err) => hashing.destroy(err));
  return {
    stream: raw.pipe(hashing),
    compression,
    size,
    digest: () => {
      if (digest === undefined) throw new Error('the root filesystem tar was not read to its end');
      return digest;
    },
  };
}
