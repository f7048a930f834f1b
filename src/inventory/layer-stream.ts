import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { constants as zlibConstants, createGunzip, createZstdDecompress } from 'node:zlib';
import { VouchError } from '../errors.js';
import type { LayerCompression } from '../sources/image/media-types.js';
import { NO_PROGRESS } from '../progress.js';
import { decodeZstdFrames } from './zstd-frames.js';
import type { ProgressTask } from '../progress.js';

export interface LayerLimits {
  readonly maxDecompressedBytes: number;
  readonly maxRatio: number;
  /** Largest zstd window a layer may ask the decoder to keep (default 128 MiB, zstd's own). */
  readonly maxZstdWindow?: number;
}

/** Below this many output bytes the ratio is not judged (tiny layers compress extremely well). */
const RATIO_FLOOR = 16 * 1024 * 1024;

/**
 * Turns a (verifying) layer blob stream into its uncompressed tar bytes, once, with the caps
 * against decompression bombs: total size and ratio of output to input. When the config gives a
 * diff_id the uncompressed bytes are hashed on the way and must match it at the end. The
 * compressed bytes read are reported to `progress` (for a registry, they are the download).
 */
export function uncompressedLayer(blob: Readable, compression: LayerCompression, limits: LayerLimits, diffId: string | undefined, what: string, progress: ProgressTask = NO_PROGRESS): Readable {
  let compressedBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, done) {
      compressedBytes += chunk.length;
      progress.bytes(chunk.length);
      done(null, chunk);
    },
  });
  const hash = diffId ? createHash('sha256') : undefined;
  let out = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _e, done: TransformCallback) {
      out += chunk.length;
      if (out > limits.maxDecompressedBytes) {
        done(limitError(`${what}: uncompressed layer is larger than ${limits.maxDecompressedBytes} bytes (raise with --max-size)`, limits.maxDecompressedBytes, '--max-size'));
        return;
      }
      if (compression !== 'none' && out > RATIO_FLOOR && out > limits.maxRatio * Math.max(compressedBytes, 1)) {
        done(limitError(`${what}: decompression ratio exceeds ${limits.maxRatio}:1 (raise with --max-ratio)`, limits.maxRatio, '--max-ratio'));
        return;
      }
      hash?.update(chunk);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (hash && diffId) {
        const got = `sha256:${hash.digest('hex')}`;
        if (got !== diffId) {
          done(new VouchError({ code: 'DIGEST_MISMATCH', message: `${what}: uncompressed content ${got} does not match the config's diff_id ${diffId}` }));
          return;
        }
      }
      done();
    },
  });
  const onError = (): void => undefined;
  const maxWindow = limits.maxZstdWindow ?? DEFAULT_ZSTD_WINDOW;
  const decoded = ((): Readable => {
    switch (compression) {
      case 'gzip':
        return pipeline(blob, counter, createGunzip(), guard, onError);
      case 'zstd':
        return pipeline(blob, counter, (source: AsyncIterable<Buffer>) => decodeZstdFrames(source, () => zstdStream(maxWindow)), guard, onError);
      case 'none':
        return pipeline(blob, counter, guard, onError);
    }
  })();
  return Readable.from(withErrorsMapped(decoded, compression, maxWindow, what), { objectMode: false });
}

/** zstd's own default cap on the window a frame may ask for (ZSTD_WINDOWLOG_LIMIT_DEFAULT). */
export const DEFAULT_ZSTD_WINDOW = 128 * 1024 * 1024;
/** The largest window zstd's `--long` mode writes (2 GiB, window log 31). */
export const MAX_ZSTD_WINDOW = 2 * 1024 * 1024 * 1024;

/**
 * node:zlib's zstd decoder (libzstd) with a cap on the window size. A zstd frame names the
 * window the decoder must keep: a tiny hostile layer can ask for 2 GiB, and a decoder that honours
 * it allocates that much per layer before one byte of output (fzstd did; see docs/adr). libzstd
 * refuses frames above ZSTD_d_windowLogMax before allocating, and decodes in bounded chunks, so
 * the size and ratio guard downstream sees every chunk as it comes.
 */
function zstdStream(maxWindow: number): Transform {
  return createZstdDecompress({ params: { [zlibConstants.ZSTD_d_windowLogMax]: windowLogOf(maxWindow) } });
}

function windowLogOf(maxWindow: number): number {
  return Math.min(31, Math.max(10, Math.floor(Math.log2(maxWindow))));
}

/**
 * The decompressed stream, with every failure turned into a VouchError that says what failed: a
 * zstd window above the cap is LIMIT_EXCEEDED with the flag that raises it, corrupt compressed
 * data is INPUT_MALFORMED; the guard's and the blob's own errors pass as they are.
 */
async function* withErrorsMapped(source: Readable, compression: LayerCompression, maxWindow: number, what: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (err instanceof VouchError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'ZSTD_error_frameParameter_windowTooLarge') {
      const limit = 2 ** windowLogOf(maxWindow);
      throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `${what}: the zstd frame needs a window larger than ${limit} bytes (raise with --max-zstd-window)`, details: { limit, flag: '--max-zstd-window' } });
    }
    if (code.startsWith('Z_') || code.startsWith('ZSTD_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
      throw new VouchError({ code: 'INPUT_MALFORMED', message: `${what}: invalid ${compression} data: ${(err as Error).message}`, cause: err });
    }
    throw err;
  }
}

function limitError(message: string, limit: number, flag: string): VouchError {
  return new VouchError({ code: 'LIMIT_EXCEEDED', message, details: { limit, flag } });
}
