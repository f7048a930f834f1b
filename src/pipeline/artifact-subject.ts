/**
 * What `vouch artifact` verifies against: a file (hashed while streaming) or a digest given as
 * `sha256:<hex>` or `sha512:<hex>`. Small files are also kept in memory so that @sigstore/verify
 * can check a message signature over the bytes themselves; larger ones are verified over their
 * digest. A sha512 digest is what npm publishes (package integrity) and what npm's attestations
 * name as their only subject digest; it can match statement subjects but never a message
 * signature, which signs a sha256 digest.
 */
import { createHash } from 'node:crypto';
import type { RunContext } from '../context.js';
import { fail, messageOf } from '../errors.js';
import { startProgress } from '../progress.js';
import { openInputStream } from '../sources/local-file.js';

/** Files up to this size are kept in memory for signature verification over the bytes. */
export const IN_MEMORY_ARTIFACT_BYTES = 32 * 1024 * 1024;

export interface ArtifactSubject {
  readonly reference: string;
  /** The digest the subject is reported by: `sha256:<hex>`, or `sha512:<hex>` when only that was given. */
  readonly digest: string;
  /** Absent only when the user gave a sha512 digest. */
  readonly sha256?: string;
  /** Files and sha512 digests: in-toto subjects (npm) often name only sha512. */
  readonly sha512?: string;
  readonly size?: number;
  /** The file's bytes when it is small enough (see IN_MEMORY_ARTIFACT_BYTES). */
  readonly bytes?: Buffer;
}

const SHA256 = /^sha256:([0-9a-fA-F]{64})$/;
const SHA512 = /^sha512:([0-9a-fA-F]{128})$/;

export async function resolveArtifactSubject(target: string, maxBytes: number, ctx: Pick<RunContext, 'signal' | 'progress'> = {}): Promise<ArtifactSubject> {
  const { signal } = ctx;
  const m = SHA256.exec(target);
  if (m?.[1] !== undefined) return { reference: target, digest: `sha256:${m[1].toLowerCase()}`, sha256: m[1].toLowerCase() };
  const m512 = SHA512.exec(target);
  if (m512?.[1] !== undefined) return { reference: target, digest: `sha512:${m512[1].toLowerCase()}`, sha512: m512[1].toLowerCase() };
  if (/^sha(256|384|512):/i.test(target)) fail('USAGE', `a digest must be sha256:<64 hex digits> or sha512:<128 hex digits>, got ${JSON.stringify(target)}`);
  const opened = await openInputStream(target, { what: 'artifact', ...(signal && { signal }) });
  if (opened.size > maxBytes) {
    opened.stream.destroy();
    fail('LIMIT_EXCEEDED', `artifact ${target} is ${opened.size} bytes, more than the limit of ${maxBytes}`, { hints: ['raise the limit with --max-size'] });
  }
  const hash = createHash('sha256');
  const hash512 = createHash('sha512');
  const keep = opened.size <= IN_MEMORY_ARTIFACT_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  const progress = startProgress(ctx.progress, 'file', target, opened.size);
  try {
    for await (const chunk of opened.stream) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes) fail('LIMIT_EXCEEDED', `artifact ${target} grew past the limit of ${maxBytes} bytes while it was read`);
      hash.update(buf);
      hash512.update(buf);
      if (keep) chunks.push(buf);
      progress.bytes(buf.length);
    }
    progress.end();
  } catch (err) {
    if ((err as { code?: unknown }).code === 'LIMIT_EXCEEDED') throw err;
    return fail('INPUT_UNREADABLE', `cannot read artifact ${target}: ${messageOf(err)}`, { cause: err });
  }
  // A file that changed size while it was read is not the file that was stat'ed: keep the digest
  // of what was read, but only trust bytes for in-memory verification when they are all there.
  const bytes = keep && size <= IN_MEMORY_ARTIFACT_BYTES ? Buffer.concat(chunks) : undefined;
  const sha256 = hash.digest('hex');
  return { reference: target, digest: `sha256:${sha256}`, sha256, sha512: hash512.digest('hex'), size, ...(bytes && { bytes }) };
}
