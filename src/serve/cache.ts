/**
 * The admission server's verdict cache and single flight.
 *
 * memoryVerdictCache is a minimal LRU behind the shared VerdictCache contract (src/cache/types.ts),
 * here only until the cache module's own in-memory LRU (and Redis store) lands: replace it there.
 * A miss, an expired entry or a store error all mean "verify again"; "could not check" is never
 * stored (callers do not put it).
 */
import type { CachedVerdict, VerdictCache, VerdictCacheOptions } from '../cache/types.js';

export const DEFAULT_CACHE_ENTRIES = 10_000;
/** Passes are reused for an hour: a revoked key or a new policy takes effect within it (a new configuration at once: the key changes). */
export const DEFAULT_PASS_TTL_MS = 60 * 60 * 1000;
/** Failures only briefly, so that a fixed image is admitted soon after it is signed. */
export const DEFAULT_FAIL_TTL_MS = 30 * 1000;

interface Entry {
  readonly value: CachedVerdict;
  readonly expires: number;
}

export function memoryVerdictCache(maxEntries: number, ttl: VerdictCacheOptions): VerdictCache & { readonly size: number } {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recent first.
  const entries = new Map<string, Entry>();
  return {
    get size() {
      return entries.size;
    },
    get(key, now) {
      const entry = entries.get(key);
      if (!entry) return Promise.resolve(undefined);
      entries.delete(key);
      if (entry.expires <= now.getTime()) return Promise.resolve(undefined);
      entries.set(key, entry);
      return Promise.resolve(entry.value);
    },
    put(key, value, now) {
      const ttlMs = value.verdict === 'pass' ? ttl.passTtlMs : ttl.failTtlMs;
      entries.delete(key);
      entries.set(key, { value, expires: now.getTime() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      return Promise.resolve();
    },
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}

/**
 * Concurrent calls with one key share one run of `work`: a Deployment of 50 replicas, or 50 pods
 * of one image at once, verify the image once. The entry is removed when the run settles, so a
 * failure is never shared with a later call.
 */
export function singleFlight<T>(): (key: string, work: () => Promise<T>) => Promise<T> {
  const running = new Map<string, Promise<T>>();
  return (key, work) => {
    const existing = running.get(key);
    if (existing) return existing;
    const run = work().finally(() => running.delete(key));
    running.set(key, run);
    return run;
  };
}
