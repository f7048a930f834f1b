/**
 * Cached verification with single flight: the one way callers should use a verdict cache.
 *
 * Concurrent requests for one key share one lookup and, on a miss, one verification (an image
 * deployed as 50 pods at once is verified once, not 50 times). The verdict is stored with the TTL
 * of its kind; "could not check" (verify rejects) is never stored, and every waiter gets the same
 * rejection. Any failure of the store itself, a get that throws or a put that fails, is a miss
 * plus one warning: the cache can only save work, it can never produce a pass or an error that
 * fails the run.
 */
import { messageOf } from '../errors.js';
import type { CachedVerdict, VerdictCache } from './types.js';

/**
 * Where a caller's verdict came from: the store, a verification this call ran, or a lookup or
 * verification another concurrent caller for the same key was already running.
 */
export type CachedSource = 'cache' | 'verification' | 'in-flight';

export interface CachedOutcome {
  readonly value: CachedVerdict;
  readonly source: CachedSource;
}

export interface CachedOptions {
  /** Told once per cache when the store fails (the run goes on without it). */
  readonly onWarning?: (message: string) => void;
}

interface Flight {
  readonly promise: Promise<{ readonly value: CachedVerdict; readonly fromCache: boolean }>;
}

/** Per cache object, the flights under way by key; a WeakMap so a closed, dropped cache is freed. */
const flights = new WeakMap<VerdictCache, Map<string, Flight>>();
const warned = new WeakSet<VerdictCache>();

/**
 * The verdict for `key`: from the cache when fresh at `now`, otherwise from `verify` (run once for
 * all concurrent callers of this cache and key) and then stored. The entry's age counts from
 * `now`, the time of the lookup, so it expires no later than its TTL after verification began.
 * @throws whatever `verify` throws (could not check); never an error of the store
 */
export async function cached(cache: VerdictCache, key: string, now: Date, verify: () => Promise<CachedVerdict>, options: CachedOptions = {}): Promise<CachedOutcome> {
  let byKey = flights.get(cache);
  if (byKey === undefined) {
    byKey = new Map();
    flights.set(cache, byKey);
  }
  const running = byKey.get(key);
  if (running !== undefined) {
    const shared = await running.promise;
    return { value: shared.value, source: 'in-flight' };
  }
  const map = byKey;
  const flight: Flight = { promise: lookUpOrVerify(cache, key, now, verify, options) };
  map.set(key, flight);
  try {
    const own = await flight.promise;
    return { value: own.value, source: own.fromCache ? 'cache' : 'verification' };
  } finally {
    map.delete(key);
  }
}

async function lookUpOrVerify(cache: VerdictCache, key: string, now: Date, verify: () => Promise<CachedVerdict>, options: CachedOptions): Promise<{ value: CachedVerdict; fromCache: boolean }> {
  let hit: CachedVerdict | undefined;
  try {
    hit = await cache.get(key, now);
  } catch (err) {
    warnOnce(cache, options, `verdict cache lookup failed (${messageOf(err)}); verifying without the cache`);
  }
  if (hit !== undefined) return { value: hit, fromCache: true };
  const value = await verify();
  try {
    await cache.put(key, value, now);
  } catch (err) {
    warnOnce(cache, options, `verdict cache could not store a verdict (${messageOf(err)}); going on without the cache`);
  }
  return { value, fromCache: false };
}

function warnOnce(cache: VerdictCache, options: CachedOptions, message: string): void {
  if (warned.has(cache)) return;
  warned.add(cache);
  options.onWarning?.(message);
}
