export { verdictCacheKey } from './key.js';
export type * from './types.js';
export { openVerdictCache, parseCacheSpec } from './open.js';
export type { CacheSpec, OpenVerdictCacheOptions } from './open.js';
export { DEFAULT_MEMORY_CACHE_BYTES, memoryVerdictCache } from './memory.js';
export type { MemoryVerdictCacheOptions } from './memory.js';
export { cached } from './single-flight.js';
export type { CachedOptions, CachedOutcome, CachedSource } from './single-flight.js';
export { MAX_CACHED_REPORT_BYTES } from './entry.js';
