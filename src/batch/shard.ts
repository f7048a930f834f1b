import { createHash } from 'node:crypto';
import { fail } from '../errors.js';

/** This run's share of the subject list: shard `index` of `count` (0 ≤ index < count). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Kubernetes Indexed Jobs give each pod its index in this variable. */
export const SHARD_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** More shards than this is a mistake, not a cluster. */
export const MAX_SHARD_COUNT = 100_000;

const wholeNumber = (value: string): number => (/^(0|[1-9][0-9]{0,8})$/.test(value) ? Number(value) : Number.NaN);

/**
 * The shard from --shard-index/--shard-count; the index defaults to JOB_COMPLETION_INDEX when
 * --shard-count is given. Anything inconsistent is a usage error, before any work: a pod that
 * silently verified everything, or nothing, would make a merged result look complete.
 */
export function parseShard(indexFlag: string | undefined, countFlag: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  if (countFlag === undefined) {
    if (indexFlag !== undefined) fail('USAGE', '--shard-index needs --shard-count');
    return undefined;
  }
  const count = wholeNumber(countFlag);
  if (!(count >= 1 && count <= MAX_SHARD_COUNT)) fail('USAGE', `--shard-count must be a whole number from 1 to ${MAX_SHARD_COUNT}, got ${JSON.stringify(countFlag)}`);
  const given = indexFlag ?? env[SHARD_INDEX_ENV];
  if (given === undefined) fail('USAGE', `--shard-count needs --shard-index (or ${SHARD_INDEX_ENV} in the environment)`);
  const index = wholeNumber(given.trim());
  if (!(index >= 0 && index < count)) {
    fail('USAGE', `the shard index must be a whole number from 0 to ${count - 1}, got ${JSON.stringify(given)}${indexFlag === undefined ? ` (from ${SHARD_INDEX_ENV})` : ''}`);
  }
  return { index, count };
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Jump consistent hash (Lamping and Veach, 2014): maps a 64-bit key to one of `buckets` so that
 * the buckets are balanced and going from n to n+1 buckets moves only 1/(n+1) of the keys.
 * O(log n) per key, no table.
 */
export function jumpHash(key: bigint, buckets: number): number {
  let b = -1;
  let j = 0;
  let k = key & MASK64;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / Number((k >> 33n) + 1n)));
  }
  return b;
}

/**
 * The shard a subject belongs to: SHA-256 of its name picks the key, so the share depends on the
 * subject alone, never on the order or the other subjects of the list. Adding subjects moves
 * none of the others; every pod computes the same split from the same list.
 */
export function shardOf(name: string, count: number): number {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  return jumpHash(digest.readBigUInt64BE(0), count);
}

/** The subjects of this shard, in their original order. */
export function shareOf<T>(subjects: readonly T[], shard: Shard | undefined, nameOf: (subject: T) => string): T[] {
  if (shard === undefined) return [...subjects];
  return subjects.filter((s) => shardOf(nameOf(s), shard.count) === shard.index);
}
