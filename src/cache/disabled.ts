/**
 * A cache that holds nothing: what a store that cannot be used turns into (a damaged database, a
 * schema from another version), so that the run goes on verifying everything instead of failing.
 */
import type { VerdictCache } from './types.js';

export function disabledVerdictCache(): VerdictCache {
  return {
    get: () => Promise.resolve(undefined),
    put: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
