import { VouchError } from '../errors.js';
import type { VerdictCache, VerdictCacheOptions } from './types.js';

/**
 * Opens the verdict cache store in `dir` (`--cache DIR`). No store is built in yet: until one is,
 * asking for a cache is a usage error before any work, never a run that silently caches nothing.
 */
export function openVerdictCache(dir: string, options: VerdictCacheOptions): Promise<VerdictCache> {
  void options;
  return Promise.reject(new VouchError({ code: 'USAGE', message: `--cache is not available in this build (asked for ${dir})` }));
}
