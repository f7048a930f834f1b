export { verdictCacheKey } from './key.js';
export type * from './types.js';
