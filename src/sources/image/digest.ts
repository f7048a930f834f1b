import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { VouchError, fail } from '../../errors.js';
import type { ErrorCode } from '../../errors.js';
import { NO_PROGRESS } from '../../progress.js';
import type { ProgressTask } from '../../progress.js';

/** A content digest "sha256:<64 hex>" (the only algorithm vouch accepts for images). */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_RE.test(value);
}

/** Validates a digest taken from untrusted input; sha512 and friends are refused, not guessed at. */
export function parseDigest(value: unknown, where: string): Digest {
  if (isDigest(value)) return value;
  return fail('INPUT_MALFORMED', `${where}: not a sha256 digest: ${JSON.stringify(value)?.slice(0, 100)}`);
}

export function sha256Digest(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function hexOf(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/**
 * A pass-through stream that hashes what flows through it and, at the end, fails the stream unless
 * the content has exactly the expected digest and size. Overlong content fails as soon as it
 * passes the size, so a hostile server cannot make vouch read more than the descriptor promised.
 * Consumers must treat data as untrusted until the stream ends without error. `progress` is told
 * of every chunk, and ended when the content proved to be the expected one.
 */
export function verifyingStream(expected: Digest, expectedSize: number | undefined, what: string, progress: ProgressTask = NO_PROGRESS): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      seen += chunk.length;
      if (expectedSize !== undefined && seen > expectedSize) {
        done(mismatch(what, `more than the ${expectedSize} bytes its descriptor gives`));
        return;
      }
      progress.bytes(chunk.length);
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (expectedSize !== undefined && seen !== expectedSize) {
        done(mismatch(what, `${seen} bytes, expected ${expectedSize}`));
        return;
      }
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== expected) {
        done(mismatch(what, `digest ${got}, expected ${expected}`));
        return;
      }
      progress.end();
      done();
    },
  });
}

function mismatch(what: string, detail: string): VouchError {
  return new VouchError({ code: 'DIGEST_MISMATCH', message: `${what}: content does not match its digest: ${detail}` });
}

/**
 * Reads a whole (small) stream into memory with a cap: manifests, configs, signature payloads.
 * Exceeding the cap is LIMIT_EXCEEDED; the stream is destroyed so nothing keeps downloading.
 * A stream that breaks is `readErrorCode`: a registry body that breaks is NETWORK, a file INPUT_UNREADABLE.
 */
export async function readCapped(stream: AsyncIterable<unknown> & { destroy?(): unknown }, cap: number, what: string, readErrorCode: ErrorCode = 'INPUT_UNREADABLE'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > cap) {
        stream.destroy?.();
        fail('LIMIT_EXCEEDED', `${what} is larger than ${cap} bytes`);
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof VouchError) throw err;
    throw new VouchError({ code: readErrorCode, message: `${what}: ${(err as Error).message}`, cause: err });
  }
  return Buffer.concat(chunks, total);
}

/** Checks bytes already in memory against a digest and optional size. */
export function checkBytes(bytes: Uint8Array, expected: Digest, expectedSize: number | undefined, what: string): void {
  if (expectedSize !== undefined && bytes.length !== expectedSize) {
    throw mismatch(what, `${bytes.length} bytes, expected ${expectedSize}`);
  }
  const got = sha256Digest(bytes);
  if (got !== expected) throw mismatch(what, `digest ${got}, expected ${expected}`);
}
