/** Keys and cached verdicts for the verdict cache tests. */
import { verdictCacheKey } from '../cache/key.js';
import type { CachedVerdict, VerdictCacheOptions } from '../cache/types.js';

export const HOUR = 3_600_000;
/** A pass lives a day, a fail five minutes: the shape of the defaults. */
export const TTLS: VerdictCacheOptions = { passTtlMs: 24 * HOUR, failTtlMs: 5 * 60_000 };
export const T0 = new Date('2026-11-02T00:00:00.000Z');

export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

/** The key of subject number `n` (every other part fixed). */
export function keyOf(n: number): string {
  return verdictCacheKey({
    subjectDigest: `sha256:${n.toString(16).padStart(64, '0')}`,
    policiesDigest: 'sha256:policies',
    trustDigest: 'sha256:trust',
    expectationsDigest: 'sha256:expectations',
    vouchVersion: '0.1.0',
    evidenceSchemaVersion: '1',
  });
}

/** A cached verdict whose report (a small JSON object) carries the same verdict and a marker. */
export function verdictOf(verdict: 'pass' | 'fail', marker = '', storedAt: Date = T0): CachedVerdict {
  return { verdict, reportJson: JSON.stringify({ verdict, subject: { marker } }), storedAt: storedAt.toISOString() };
}
