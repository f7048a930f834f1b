import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Transform, pipeline } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { VouchError } from '../errors.js';
import type { LayerCompression } from '../sources/image/media-types.js';

export interface LayerLimits {
  readonly maxDecompressedBytes: number;
  readonly maxRatio: number;
}

/** Below this many output bytes the ratio is not judged (tiny layers compress extremely well). */
const RATIO_FLOOR = 16 * 1024 * 1024;

/**
 * Turns a (verifying) layer blob stream into its uncompressed tar bytes, once, with the caps
 * against decompression bombs: total size and ratio of output to input. When the config gives a
 * diff_id the uncompressed bytes are hashed on the way and must match it at the end.
 */
export function uncompressedLayer(blob: Readable, compression: LayerCompression, limits: LayerLimits, diffId: string | undefined, what: string): Readable {
  let compressedBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, done) {
      compressedBytes += chunk.length;
      done(null, chunk);
    },
  });
  const hash = diffId ? createHash('sha256') : undefined;
  let out = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _e, done: TransformCallback) {
      out += chunk.length;
      if (out > limits.maxDecompressedBytes) {
        done(limitError(`${what}: uncompressed layer is larger than ${limits.maxDecompressedBytes} bytes`));
        return;
      }
      if (compression !== 'none' && out > RATIO_FLOOR && out > limits.maxRatio * Math.max(compressedBytes, 1)) {
        done(limitError(`${what}: decompression ratio exceeds ${limits.maxRatio}:1`));
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
  switch (compression) {
    case 'gzip':
      return pipeline(blob, counter, createGunzip(), guard, onError);
    case 'zstd':
      return pipeline(blob, counter, zstdStream(what), guard, onError);
    case 'none':
      return pipeline(blob, counter, guard, onError);
  }
}

/** fzstd's streaming decoder as a Node Transform (Node 20's zlib has no zstd). */
function zstdStream(what: string): Transform {
  // The decoder's callback runs only inside push(), i.e. after `t` exists.
  const decoder = new Decompress((data) => {
    t.push(Buffer.from(data));
  });
  const t: Transform = new Transform({
    transform(chunk: Buffer, _e, done) {
      try {
        decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        done();
      } catch (err) {
        done(new VouchError({ code: 'INPUT_MALFORMED', message: `${what}: invalid zstd data: ${(err as Error).message}` }));
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (err) {
        done(new VouchError({ code: 'INPUT_MALFORMED', message: `${what}: truncated zstd data: ${(err as Error).message}` }));
      }
    },
  });
  return t;
}

function limitError(message: string): VouchError {
  return new VouchError({ code: 'LIMIT_EXCEEDED', message });
}
