/**
 * The admission server's verdict cache and single flight.
 *
 * memoryVerdictCache is the cache module's LRU (src/cache/memory.ts); `--cache redis://…` uses its
 * shared Redis store instead (src/cache/redis-store.ts).
 * A miss, an expired entry or a store error all mean "verify again"; "could not check" is never
 * stored (callers do not put it).
 */
import { memoryVerdictCache as lruVerdictCache } from '../cache/memory.js';
import type { VerdictCache, VerdictCacheOptions } from '../cache/types.js';

export const DEFAULT_CACHE_ENTRIES = 10_000;
/** Passes are reused for an hour: a revoked key or a new policy takes effect within it (a new configuration at once: the key changes). */
export const DEFAULT_PASS_TTL_MS = 60 * 60 * 1000;
/** Failures only briefly, so that a fixed image is admitted soon after it is signed. */
export const DEFAULT_FAIL_TTL_MS = 30 * 1000;

/**
 * The admission server's in-memory store: the cache module's LRU, bounded by entries (and by
 * report bytes), with the same checks on every entry read back as the shared stores.
 */
export function memoryVerdictCache(maxEntries: number, ttl: VerdictCacheOptions): VerdictCache & { readonly size: number } {
  return lruVerdictCache({ maxEntries, ...ttl });
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
