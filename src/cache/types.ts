/**
 * The verdict cache's contract, shared by the batch runner (`--cache DIR`), the admission server
 * (in-memory LRU, optionally Redis) and the library. A cache can only ever save work: a miss,
 * an expired entry, a store that cannot be read or a key computed from different inputs all
 * mean "verify again". It never turns a verification that did not run into a pass.
 */
import type { Verdict } from '../report/types.js';

/**
 * Everything a verdict depends on. Two runs whose parts are equal must reach the same verdict, so
 * each part is a digest of the exact bytes used (policies as evaluated, trust material as loaded),
 * never a name or a path that could point at other bytes next time.
 */
export interface VerdictCacheKeyParts {
  /** The verified subject's digest, `sha256:…` (an image manifest, an apk's control+data, a file). */
  readonly subjectDigest: string;
  /** SHA-256 over the canonical form of the exact policies evaluated. */
  readonly policiesDigest: string;
  /** SHA-256 over the trust material (keys, trusted root, keyrings) as loaded. */
  readonly trustDigest: string;
  /** SHA-256 over the expectations (identities, source, builder, platform, flags that change checks). */
  readonly expectationsDigest: string;
  readonly vouchVersion: string;
  readonly evidenceSchemaVersion: string;
}

/**
 * What is stored: the verdict and the report it came from (JSON text), so a hit renders as before.
 * The report is a JSON object whose own top-level `verdict` equals `verdict` (a Report as
 * renderReport's json format writes it); an entry where they differ is neither stored nor believed.
 */
export interface CachedVerdict {
  readonly verdict: Verdict;
  readonly reportJson: string;
  /** When it was stored (ISO-8601), shown in summaries ("cached since …"). */
  readonly storedAt: string;
}

export interface VerdictCacheOptions {
  /** How long a pass is reused (default 24 h). */
  readonly passTtlMs: number;
  /** How long a fail is reused (short: a fix should show soon). */
  readonly failTtlMs: number;
}

export interface VerdictCache {
  /** The entry for this key when it is still fresh at `now`; undefined otherwise (or on any store error). */
  get(key: string, now: Date): Promise<CachedVerdict | undefined>;
  /** Stores a pass or a fail. "Could not check" is never stored: callers do not call put for it. */
  put(key: string, value: CachedVerdict, now: Date): Promise<void>;
  close(): Promise<void>;
}
