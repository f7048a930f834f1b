/**
 * One stored verdict as every store keeps it, and the checks an entry read back must pass before
 * it is believed. A store (a file on disk, a shared Redis) is trusted less than it looks: other
 * processes write to it, a disk can return garbage, a shared Redis may be reachable by more hosts
 * than vouch. So an entry read back is data, like any other JSON vouch reads: capped in size,
 * measured for depth before it is parsed, and any field that is not exactly as written (another
 * key, an unknown verdict, a report whose own verdict differs, a time in the future) makes it a
 * miss, which only costs a verification, never a pass.
 */
import { fail } from '../errors.js';
import { MAX_JSON_DEPTH, parseUntrustedJson } from '../evidence/json-depth.js';
import type { CachedVerdict, VerdictCacheOptions } from './types.js';

/** Largest report JSON stored or read back (UTF-8 bytes): the default --max-document-size. */
export const MAX_CACHED_REPORT_BYTES = 64 * 1024 * 1024;

/** The only keys a store accepts: verdictCacheKey's form. Anything else is a caller's bug or an attack. */
const KEY = /^sha256:[0-9a-f]{64}$/;

/** What a store writes for a key (all stores keep the same fields). */
export interface StoredEntry {
  readonly key: string;
  readonly verdict: 'pass' | 'fail';
  readonly reportJson: string;
  /** ISO-8601, the `now` of the put. */
  readonly storedAt: string;
  /** Milliseconds since the epoch after which the writer considered the entry stale. */
  readonly expiresAt: number;
}

export function isCacheKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key);
}

/**
 * Refuses TTLs that are not whole, non-negative numbers of milliseconds (NaN would make every
 * comparison false, Infinity would keep an entry for ever).
 * @throws VouchError USAGE
 */
export function assertCacheOptions(options: VerdictCacheOptions): void {
  for (const [name, value] of [['passTtlMs', options.passTtlMs], ['failTtlMs', options.failTtlMs]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) fail('USAGE', `verdict cache ${name} must be a whole number of milliseconds, 0 or more (got ${String(value)})`);
  }
}

/** How long an entry with this verdict may be reused under these options. */
export function ttlOf(verdict: 'pass' | 'fail', options: VerdictCacheOptions): number {
  return verdict === 'pass' ? options.passTtlMs : options.failTtlMs;
}

/**
 * The entry to store for a put, or the reason it is not stored. A TTL of zero turns caching of that
 * verdict off; a verdict other than pass or fail (a JavaScript caller can pass anything) is never
 * stored, so "could not check" cannot enter a store even by mistake.
 */
export function entryToStore(key: string, value: CachedVerdict, now: Date, options: VerdictCacheOptions): StoredEntry | string {
  if (!isCacheKey(key)) return 'the key is not a verdict cache key';
  const verdict: unknown = value.verdict;
  if (verdict !== 'pass' && verdict !== 'fail') return `verdict ${JSON.stringify(verdict)} is never cached`;
  const ttl = ttlOf(verdict, options);
  if (!(ttl > 0)) return `caching of ${verdict} verdicts is off`;
  const problem = reportProblem(value.reportJson, verdict);
  if (problem !== undefined) return problem;
  return { key, verdict, reportJson: value.reportJson, storedAt: now.toISOString(), expiresAt: now.getTime() + ttl };
}

/**
 * The verdict of a stored entry when it is intact and still fresh at `now` under the reader's own
 * options; undefined otherwise. Freshness is the earlier of the writer's expiry and the reader's
 * TTL counted from storedAt, so lowering --cache-ttl takes effect on entries already stored.
 * `raw` is whatever the store returned: every field is checked here, none is assumed.
 */
export function entryFromStore(key: string, raw: Readonly<Record<string, unknown>> | undefined, now: Date, options: VerdictCacheOptions): CachedVerdict | undefined {
  if (raw === undefined || !isCacheKey(key) || raw['key'] !== key) return undefined;
  const { verdict, reportJson, storedAt, expiresAt } = raw;
  if (verdict !== 'pass' && verdict !== 'fail') return undefined;
  if (typeof storedAt !== 'string' || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  const stored = Date.parse(storedAt);
  if (!isFresh(verdict, stored, expiresAt, now, options)) return undefined;
  if (typeof reportJson !== 'string' || reportProblem(reportJson, verdict) !== undefined) return undefined;
  return { verdict, reportJson, storedAt: new Date(stored).toISOString() };
}

/**
 * Whether an entry stored at `storedAtMs` is still fresh at `now`: before both the writer's expiry
 * and the reader's TTL. An entry "stored" after now comes from a clock ahead of ours or from
 * someone forging ages: not fresh.
 */
export function isFresh(verdict: 'pass' | 'fail', storedAtMs: number, expiresAt: number, now: Date, options: VerdictCacheOptions): boolean {
  const t = now.getTime();
  if (!Number.isFinite(storedAtMs) || storedAtMs > t) return false;
  return t < Math.min(expiresAt, storedAtMs + ttlOf(verdict, options));
}

/**
 * Why report JSON cannot be stored or believed: too large, nested deeper than any JSON vouch
 * reads, not a JSON object, or an object whose own `verdict` is not the entry's.
 */
export function reportProblem(reportJson: unknown, verdict: 'pass' | 'fail'): string | undefined {
  if (typeof reportJson !== 'string') return 'the report is not JSON text';
  // Length in UTF-16 units is at most the UTF-8 length, so this cheap test never lets a larger one through.
  if (reportJson.length > MAX_CACHED_REPORT_BYTES || Buffer.byteLength(reportJson) > MAX_CACHED_REPORT_BYTES) {
    return `the report is larger than ${MAX_CACHED_REPORT_BYTES} bytes`;
  }
  let parsed: unknown;
  try {
    parsed = parseUntrustedJson(reportJson, 'a cached report');
  } catch {
    return `the report is not valid JSON nested at most ${MAX_JSON_DEPTH} levels`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the report is not a JSON object';
  if ((parsed as Record<string, unknown>)['verdict'] !== verdict) return `the report's own verdict is not ${verdict}`;
  return undefined;
}
