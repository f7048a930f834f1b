import type { Evidence, Subject } from '../evidence/index.js';
import type { Severity } from '../policy/types.js';

export const REPORT_SCHEMA_VERSION = 'vouch.dev/report/v1';

export type Verdict = 'pass' | 'fail';

/**
 * pass / fail:     the rule applied and its expression was true / false (or could not be evaluated
 *                  because its inputs were missing: fail closed).
 * waived:          the rule failed but an unexpired waiver covers this subject.
 * not-applicable:  the rule's guard excluded this subject.
 */
export type RuleStatus = 'pass' | 'fail' | 'waived' | 'not-applicable';

export interface RuleResult {
  readonly policy: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly status: RuleStatus;
  readonly message: string;
  /** The CEL expression (and guard) that decided, so a report names exactly what was demanded. */
  readonly expression: string;
  readonly match?: string;
  /** Why it failed beyond the rule's message: an evaluation error, the failed checks involved. */
  readonly reason?: string;
  readonly waiver?: WaiverRef;
  /** Waivers for this rule and subject that had expired at the effective time, so did not apply. */
  readonly expiredWaivers?: readonly WaiverRef[];
}

export interface WaiverRef {
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly verdict: Verdict;
  readonly subject: Subject;
  readonly effectiveTime: string;
  readonly policies: readonly { readonly name: string; readonly source: string; readonly digest: string }[];
  /** Sorted by (policy, rule). */
  readonly results: readonly RuleResult[];
  readonly summary: {
    readonly rules: number;
    readonly passed: number;
    readonly failed: number;
    readonly warnings: number;
    readonly waived: number;
    readonly notApplicable: number;
  };
  /** Notes about the run the reader must see (expired waivers, disabled checks). */
  readonly notices: readonly string[];
  readonly evidence: Evidence;
}

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
