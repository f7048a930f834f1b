import type { CachedVerdict, VerdictCache, VerdictCacheOptions } from '../cache/types.js';

/**
 * The smallest VerdictCache that honours the contract (TTL by verdict, nothing but pass and
 * fail stored): for tests of the batch runner's cache wiring, not a store to ship.
 */
export class MemoryVerdictCache implements VerdictCache {
  readonly entries = new Map<string, CachedVerdict & { readonly at: number }>();
  gets = 0;
  puts = 0;

  constructor(private readonly options: VerdictCacheOptions = { passTtlMs: 24 * 3_600_000, failTtlMs: 600_000 }) {}

  get(key: string, now: Date): Promise<CachedVerdict | undefined> {
    this.gets++;
    const entry = this.entries.get(key);
    const ttl = entry?.verdict === 'pass' ? this.options.passTtlMs : this.options.failTtlMs;
    return Promise.resolve(entry !== undefined && now.getTime() - entry.at < ttl ? entry : undefined);
  }

  put(key: string, value: CachedVerdict, now: Date): Promise<void> {
    this.puts++;
    this.entries.set(key, { ...value, at: now.getTime() });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
