import { createHash } from 'node:crypto';
import type { VerdictCacheKeyParts } from './types.js';

/**
 * The cache key: SHA-256 over the parts in a fixed order, each length-prefixed so that no two
 * different part lists can produce the same byte string.
 */
export function verdictCacheKey(parts: VerdictCacheKeyParts): string {
  const hash = createHash('sha256');
  for (const value of [parts.subjectDigest, parts.policiesDigest, parts.trustDigest, parts.expectationsDigest, parts.vouchVersion, parts.evidenceSchemaVersion]) {
    hash.update(`${Buffer.byteLength(value)}:${value};`);
  }
  return `sha256:${hash.digest('hex')}`;
}
