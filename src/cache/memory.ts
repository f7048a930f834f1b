/**
 * The in-memory verdict cache: a least-recently-used map bounded by entry count and by the bytes
 * of the reports it holds, for a long-running process (the admission server) where one image is
 * asked about thousands of times a day. Bounded both ways so that a flood of distinct subjects, or
 * a few huge reports, cannot grow the process without limit: the oldest entries are dropped, which
 * only means they are verified again.
 *
 * Entries never leave the process, so a hit does not re-parse its report (the put checked it);
 * freshness is still decided at every get with the caller's clock.
 */
import { fail } from '../errors.js';
import { assertCacheOptions, entryToStore, isFresh } from './entry.js';
import type { StoredEntry } from './entry.js';
import type { CachedVerdict, VerdictCache, VerdictCacheOptions } from './types.js';

export interface MemoryVerdictCacheOptions extends VerdictCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  readonly maxEntries: number;
  /** Most report bytes (UTF-16 code units, as held in memory) kept in all; default 128 Mi. */
  readonly maxBytes?: number;
}

export const DEFAULT_MEMORY_CACHE_BYTES = 128 * 1024 * 1024;

interface Held {
  readonly entry: StoredEntry;
  readonly storedAtMs: number;
  readonly size: number;
}

class MemoryVerdictCache implements VerdictCache {
  /** A Map iterates in insertion order: re-inserting on every hit keeps the oldest use first. */
  private readonly entries = new Map<string, Held>();
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(private readonly options: MemoryVerdictCacheOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
    assertCacheOptions(options);
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) fail('USAGE', `memory cache maxEntries must be a positive whole number (got ${String(options.maxEntries)})`);
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1) fail('USAGE', `memory cache maxBytes must be a positive whole number (got ${String(this.maxBytes)})`);
  }

  get(key: string, now: Date): Promise<CachedVerdict | undefined> {
    const held = this.entries.get(key);
    if (held === undefined) return Promise.resolve(undefined);
    const { entry } = held;
    if (!isFresh(entry.verdict, held.storedAtMs, entry.expiresAt, now, this.options)) {
      this.remove(key, held);
      return Promise.resolve(undefined);
    }
    this.entries.delete(key);
    this.entries.set(key, held);
    return Promise.resolve({ verdict: entry.verdict, reportJson: entry.reportJson, storedAt: entry.storedAt });
  }

  put(key: string, value: CachedVerdict, now: Date): Promise<void> {
    const entry = entryToStore(key, value, now, this.options);
    const old = this.entries.get(key);
    if (old !== undefined) this.remove(key, old);
    // Not storable (could-not-check, caching of this verdict off, a report over the caps): the old
    // entry for this key is gone too, since a newer verification disagreed with or replaced it.
    if (typeof entry === 'string') return Promise.resolve();
    const size = entry.reportJson.length;
    if (size > this.maxBytes) return Promise.resolve();
    this.entries.set(key, { entry, storedAtMs: now.getTime(), size });
    this.bytes += size;
    for (const [oldest, held] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(oldest, held);
    }
    return Promise.resolve();
  }

  /** Entries held now (fresh or not yet found stale), for metrics and tests. */
  get size(): number {
    return this.entries.size;
  }

  close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
    return Promise.resolve();
  }

  private remove(key: string, held: Held): void {
    this.entries.delete(key);
    this.bytes -= held.size;
  }
}

/** An in-memory LRU verdict cache holding at most `maxEntries` entries and `maxBytes` of reports. */
export function memoryVerdictCache(options: MemoryVerdictCacheOptions): VerdictCache & { readonly size: number } {
  return new MemoryVerdictCache(options);
}
