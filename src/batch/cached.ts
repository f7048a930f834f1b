import type { VerdictCache } from '../cache/types.js';
import { verdictCacheKey } from '../cache/key.js';
import type { Logger } from '../context.js';
import { messageOf } from '../errors.js';
import type { Report } from '../report/types.js';
import type { RunKeyParts } from './cache-key.js';
import type { BatchSubject } from './run.js';
import type { SubjectOutcome } from './types.js';
import { parseUntrustedJson } from '../evidence/index.js';

export interface CacheUse {
  readonly cache: VerdictCache;
  readonly parts: RunKeyParts;
  /** The wall clock for freshness (never --effective-time: an entry ages in real time). */
  readonly clock: () => Date;
  readonly log: Logger;
}

export interface CachedVerification {
  /**
   * The subject's digest, known before verifying (asked for only when a cache is in use), or
   * undefined when it cannot be known first (then nothing is cached).
   */
  readonly subjectDigest: () => Promise<string | undefined>;
  readonly verify: () => Promise<Report>;
  /**
   * Whether the report is about the bytes the digest named. A file can change between hashing it
   * and verifying it: a report about other bytes is returned but never stored under this key.
   */
  readonly confirms: (report: Report, subjectDigest: string) => boolean;
}

/**
 * Verifies one subject through the verdict cache: a fresh entry is served as it was stored; a
 * miss verifies and stores a pass or a fail. "Could not check" is thrown, so it is never stored.
 * The cache can only save work: an entry that does not parse back into a report with its stored
 * verdict, or a store that fails, means "verify again".
 */
export async function verifyThroughCache(subject: BatchSubject, use: CacheUse | undefined, work: CachedVerification): Promise<SubjectOutcome> {
  const subjectDigest = use === undefined ? undefined : await work.subjectDigest();
  const key = use !== undefined && subjectDigest !== undefined ? verdictCacheKey({ ...use.parts, subjectDigest }) : undefined;
  if (use !== undefined && key !== undefined) {
    const hit = await use.cache.get(key, use.clock()).catch((err: unknown) => {
      use.log.warn(`verdict cache: lookup failed, verifying again: ${messageOf(err)}`);
      return undefined;
    });
    const report = hit === undefined ? undefined : reportOf(hit.reportJson, hit.verdict);
    if (report !== undefined) return { kind: 'report', subject: subject.name, subjectKind: subject.kind, report, cached: true };
  }
  const report = await work.verify();
  if (use !== undefined && key !== undefined && subjectDigest !== undefined && work.confirms(report, subjectDigest)) {
    await use.cache.put(key, { verdict: report.verdict, reportJson: JSON.stringify(report), storedAt: use.clock().toISOString() }, use.clock()).catch((err: unknown) => {
      use.log.warn(`verdict cache: could not store ${subject.name}: ${messageOf(err)}`);
    });
  }
  return { kind: 'report', subject: subject.name, subjectKind: subject.kind, report, cached: false };
}

function reportOf(json: string, verdict: string): Report | undefined {
  try {
    const report = parseUntrustedJson(json, 'cached report') as Report;
    return typeof report === 'object' && report !== null && report.verdict === verdict && (verdict === 'pass' || verdict === 'fail') ? report : undefined;
  } catch {
    return undefined;
  }
}
