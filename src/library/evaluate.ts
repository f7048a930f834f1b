import { VouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import { evaluatePolicies as evaluate } from '../policy/evaluate.js';
import type { Policy } from '../policy/index.js';
import type { Report } from '../report/types.js';

export interface EvaluateOptions {
  /** Judge as of this time (rules' `now`, waiver expiry, the report's time); required: evaluation reads no clock. */
  readonly effectiveTime: Date;
  /** Wall-clock budget in milliseconds, 1 to 3600000 (default 10000); past it, LIMIT_EXCEEDED. */
  readonly timeoutMs?: number;
}

/** The largest policy time budget: an hour (--policy-timeout's range). */
const MAX_POLICY_TIMEOUT_MS = 3_600_000;

/**
 * Refuses a policy time budget outside 1 ms to an hour before any work starts. A budget of 0, a
 * negative one or NaN would make every evaluation fail or never end; the CLI's own check names
 * the flag, this one the option.
 */
export function checkPolicyTimeout(ms: number | undefined, name = 'policyTimeoutMs'): void {
  if (ms === undefined) return;
  if (!(Number.isSafeInteger(ms) && ms >= 1 && ms <= MAX_POLICY_TIMEOUT_MS)) {
    throw new VouchError({ code: 'USAGE', message: `${name} must be whole milliseconds from 1 to ${MAX_POLICY_TIMEOUT_MS}, got ${JSON.stringify(ms)}` });
  }
}

/**
 * Evaluates loaded policies (loadPolicies) over Evidence and builds the Report: the verdict, every
 * rule's result, the summary, and the Evidence itself. Pure and deterministic for the same
 * inputs; the clock is read only for the time budget, which decides whether a report is given
 * at all, never what it says.
 * @throws VouchError LIMIT_EXCEEDED (a rule too costly for this evidence, or over the time
 * budget), POLICY_INVALID (a rule that does not compile), USAGE (a bad option). No policy at all
 * is a fail, not an error: nothing was required, so nothing passed.
 */
export function evaluatePolicies(policies: readonly Policy[], evidence: Evidence, options: EvaluateOptions): Report {
  if (!(options.effectiveTime instanceof Date) || Number.isNaN(options.effectiveTime.getTime())) {
    throw new VouchError({ code: 'USAGE', message: 'effectiveTime must be a valid Date' });
  }
  checkPolicyTimeout(options.timeoutMs, 'timeoutMs');
  return evaluate(policies, evidence, options.effectiveTime, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
}
