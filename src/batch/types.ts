/**
 * The shapes of a batch run: what each subject's verification ends in, the JSONL line written
 * for it (a public format: `vouch merge` and other tools read it; docs/batch.md), and the small
 * row the summary keeps (never the report, so a run over any number of subjects keeps flat memory).
 */
import type { Report, Verdict } from '../report/types.js';

export type SubjectKind = 'apk' | 'image' | 'artifact';

/** The exit code one subject contributes: 0 pass, 1 fail, 3 could not check (2 never: usage is checked first). */
export type SubjectExitCode = 0 | 1 | 3;

export interface SubjectError {
  readonly code: string;
  readonly message: string;
  readonly hints: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/** What one subject's verification ended in: a report with a verdict, or an error (could not check). */
export type SubjectOutcome =
  | { readonly kind: 'report'; readonly subject: string; readonly subjectKind: SubjectKind; readonly report: Report; readonly cached: boolean }
  | { readonly kind: 'error'; readonly subject: string; readonly subjectKind: SubjectKind; readonly error: SubjectError };

export const BATCH_LINE_SCHEMA = 'vouch.dev/batch-line/v1';

/**
 * One JSONL line. Every subject gets exactly one, whether it passed, failed or could not be
 * checked, so that a consumer can tell "not run" from "absent". `report` is the whole JSON
 * report (as `--format json` prints it) or null; `error` is set exactly when exitCode is 3.
 */
export interface BatchLine {
  readonly schema: typeof BATCH_LINE_SCHEMA;
  /** The subject as it was named: a path, URL, image reference, or name=version from an index. */
  readonly subject: string;
  readonly kind: SubjectKind;
  readonly exitCode: SubjectExitCode;
  readonly verdict: Verdict | null;
  /** The verified subject's digest (the report's evidence.subject.digest); null when it could not be checked. */
  readonly digest: string | null;
  /** The verdict was served from the verdict cache (--cache), not verified again in this run. */
  readonly cached: boolean;
  readonly report: Report | null;
  readonly error: SubjectError | null;
}

/** The little the summary keeps per subject. */
export interface SummaryRow {
  readonly subject: string;
  readonly kind: SubjectKind;
  readonly exitCode: SubjectExitCode;
  readonly verdict: Verdict | null;
  readonly digest: string | null;
  readonly cached: boolean;
  /** Rules that failed (error severity) when there is a report. */
  readonly failedRules: number;
  /** The error code when it could not be checked. */
  readonly errorCode: string | null;
  /** The first failed rule's message, or the error message: one line, at most 200 characters. */
  readonly note: string;
}

export interface BatchTotals {
  readonly subjects: number;
  readonly passed: number;
  readonly failed: number;
  readonly couldNotCheck: number;
  readonly cached: number;
  /** The worst exit code of all subjects (3 > 1 > 0); 0 for no subjects. */
  readonly exitCode: SubjectExitCode;
}

export interface BatchSummary {
  readonly totals: BatchTotals;
  /** Sorted by subject, then kind: the same subjects give the same summary in any completion order. */
  readonly rows: readonly SummaryRow[];
}
