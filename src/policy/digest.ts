import { createHash } from 'node:crypto';
import type { Policy } from './types.js';

/**
 * The one digest of a set of policies, as a verification summary (VSA `policy.digest`) and the
 * verdict cache key name it: SHA-256 over the per-policy digests (each already SHA-256 over the
 * exact policy text, see parse.ts), deduplicated and sorted, one per line. Sorted because the
 * verdict does not depend on the order (every policy must pass); per-policy digests rather than
 * names because a name can point at different rules next time, the bytes cannot.
 */
export function policiesDigest(policies: readonly Pick<Policy, 'digest'>[]): string {
  const lines = [...new Set(policies.map((p) => p.digest))].sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${line}\n`);
  return `sha256:${hash.digest('hex')}`;
}
