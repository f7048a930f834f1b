import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Fixed build time of every sample package and image (SOURCE_DATE_EPOCH): 2025-06-01T00:00:00Z. */
export const SOURCE_DATE_EPOCH = 1748736000;
export const BUILD_TIME = '2025-06-01T00:00:00Z';
/** The fixed clock of the test Sigstore services: every signature is made at this instant. */
export const SIGNING_TIME = '2025-06-01T12:00:00Z';

export const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();
export const sha256hex = (b: Buffer | string): string => sha256(b).toString('hex');
export const sha1 = (b: Buffer | string): Buffer => createHash('sha1').update(b).digest();
export const digestOf = (b: Buffer | string): string => `sha256:${sha256hex(b)}`;
/** apk's checksum spelling: "Q1" + base64 of a SHA-1 digest. */
export const q1 = (b: Buffer | string): string => `Q1${sha1(b).toString('base64')}`;

/**
 * gzip with fixed settings (level 9, no name, mtime 0), so that the same bytes in give the same
 * bytes out on the same zlib build.
 */
export function gzip(data: Buffer): Buffer {
  return gzipSync(data, { level: 9, memLevel: 8, windowBits: 15, strategy: 0 });
}

/** JSON as Go's encoding/json writes it for the registry documents: compact, keys in the given order. */
export function compactJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** Indented JSON for documents people read (SBOMs, README-adjacent files), newline-terminated. */
export function prettyJson(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

/** Canonical JSON (keys sorted at every level), for hashing requests. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
