/**
 * Opening a verdict cache from what the user wrote after `--cache`: a redis:// or rediss:// URL is
 * the shared Redis store, any other URL is a usage error (never silently a folder named
 * "memcached:"), and everything else is a folder holding the SQLite store.
 */
import { fail } from '../errors.js';
import { assertCacheOptions } from './entry.js';
import type { VerdictCache, VerdictCacheOptions } from './types.js';

export interface OpenVerdictCacheOptions extends VerdictCacheOptions {
  /**
   * Told when the store cannot be used or stops working (the run goes on without it): a damaged
   * database, an unreachable Redis. Library code does not print; the caller decides where it goes.
   */
  readonly onWarning?: (message: string) => void;
  /** Redis only: longest wait for one command (default 500 ms) and for a connection (default 1 s). */
  readonly redisCommandTimeoutMs?: number;
  readonly redisConnectTimeoutMs?: number;
}

/** What a --cache value names. */
export type CacheSpec = { readonly kind: 'sqlite'; readonly dir: string } | { readonly kind: 'redis'; readonly url: string };

/** @throws VouchError USAGE for an empty value or a URL that is not redis: or rediss: */
export function parseCacheSpec(spec: string): CacheSpec {
  if (spec.trim().length === 0) fail('USAGE', '--cache is empty; give a folder or a redis:// URL');
  if (/^rediss?:\/\//i.test(spec)) return { kind: 'redis', url: spec };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) fail('USAGE', `--cache ${spec.slice(0, spec.indexOf(':'))}:// is not a cache vouch knows; give a folder or a redis:// URL`);
  return { kind: 'sqlite', dir: spec };
}

/**
 * Opens the verdict cache named by `spec`. The SQLite and Redis modules load only when named, so a
 * run with a folder cache never loads the Redis client, and one without a cache loads neither.
 * @throws VouchError USAGE for an unusable spec, folder or option; never for a store that is down
 */
export async function openVerdictCache(spec: string, options: OpenVerdictCacheOptions): Promise<VerdictCache> {
  assertCacheOptions(options);
  const parsed = parseCacheSpec(spec);
  switch (parsed.kind) {
    case 'sqlite': {
      const { openSqliteVerdictCache } = await import('./sqlite-store.js');
      return openSqliteVerdictCache(parsed.dir, options);
    }
    case 'redis': {
      const [{ parseRedisUrl }, { openRedisVerdictCache }] = await Promise.all([import('./redis-url.js'), import('./redis-store.js')]);
      const target = parseRedisUrl(parsed.url);
      for (const [name, value] of [['redisCommandTimeoutMs', options.redisCommandTimeoutMs], ['redisConnectTimeoutMs', options.redisConnectTimeoutMs]] as const) {
        if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) fail('USAGE', `${name} must be a positive whole number of milliseconds`);
      }
      return openRedisVerdictCache(target, {
        ...options,
        ...(options.redisCommandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.redisCommandTimeoutMs }),
        ...(options.redisConnectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.redisConnectTimeoutMs }),
      });
    }
  }
}
