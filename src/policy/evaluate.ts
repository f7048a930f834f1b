import { messageOf } from '../errors.js';
import { byKeys } from '../evidence/index.js';
import type { Evidence } from '../evidence/index.js';
import { REPORT_SCHEMA_VERSION } from '../report/types.js';
import type { Report, RuleResult } from '../report/types.js';
import { createPolicyEnvironment, POLICY_VARIABLES, toCelValue } from './cel-env.js';
import type { Policy, PolicyRule, Waiver } from './types.js';

/**
 * Evaluates every rule of every policy over the evidence at the effective time and returns the
 * Report. Pure: no I/O, no clock (the time is a parameter).
 *
 * Fail closed: a rule whose expression cannot be evaluated (a missing input, a type error) fails;
 * a verdict with no error-severity rule that applied is a fail, since nothing was required.
 */
export function evaluatePolicies(policies: readonly Policy[], evidence: Evidence, now: Date): Report {
  const env = createPolicyEnvironment();
  const context: Record<string, unknown> = { now };
  for (const name of POLICY_VARIABLES) context[name] = toCelValue(evidence[name]);
  const notices: string[] = [];
  const results: RuleResult[] = [];
  for (const policy of policies) {
    for (const rule of policy.rules) {
      results.push(evaluateRule(env, policy, rule, context, evidence.subject.reference, now, notices));
    }
  }
  results.sort(byKeys<RuleResult>((r) => r.policy, (r) => r.rule));
  const count = (pred: (r: RuleResult) => boolean) => results.filter(pred).length;
  const failedErrors = count((r) => r.status === 'fail' && r.severity === 'error');
  const appliedErrors = count((r) => r.severity === 'error' && r.status !== 'not-applicable');
  if (appliedErrors === 0) notices.push('no error-severity rule applied to this subject, so nothing was required: verdict fail');
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    verdict: failedErrors === 0 && appliedErrors > 0 ? 'pass' : 'fail',
    subject: evidence.subject,
    effectiveTime: now.toISOString(),
    policies: policies.map((p) => ({ name: p.name, source: p.source, digest: p.digest })),
    results,
    summary: {
      rules: results.length,
      passed: count((r) => r.status === 'pass'),
      failed: failedErrors,
      warnings: count((r) => r.status === 'fail' && r.severity === 'warning'),
      waived: count((r) => r.status === 'waived'),
      notApplicable: count((r) => r.status === 'not-applicable'),
    },
    notices: [...new Set([...evidence.warnings, ...notices])].sort(),
    evidence,
  };
}

type Env = ReturnType<typeof createPolicyEnvironment>;

function evaluateRule(
  env: Env,
  policy: Policy,
  rule: PolicyRule,
  context: Record<string, unknown>,
  reference: string,
  now: Date,
  notices: string[],
): RuleResult {
  const base = { policy: policy.name, rule: rule.name, severity: rule.severity, message: rule.message };
  if (rule.match !== undefined) {
    const guard = evaluateBool(env, rule.match, context);
    if (guard.error !== undefined) return { ...base, status: 'fail', reason: `guard could not be evaluated: ${guard.error}` };
    if (!guard.value) return { ...base, status: 'not-applicable' };
  }
  const outcome = evaluateBool(env, rule.expression, context);
  if (outcome.error === undefined && outcome.value) return { ...base, status: 'pass' };
  const reason = outcome.error === undefined ? undefined : `could not be evaluated: ${outcome.error}`;
  const waiver = findWaiver(policy.waivers, rule.name, reference, now, notices);
  if (waiver) {
    return {
      ...base,
      status: 'waived',
      ...(reason ? { reason } : {}),
      waiver: { reason: waiver.reason, owner: waiver.owner, expires: waiver.expires },
    };
  }
  return { ...base, status: 'fail', ...(reason ? { reason } : {}) };
}

function evaluateBool(env: Env, expression: string, context: Record<string, unknown>): { value: boolean; error?: string } {
  try {
    const value: unknown = env.evaluate(expression, context);
    if (typeof value !== 'boolean') return { value: false, error: `expression gave ${typeof value}, not bool` };
    return { value };
  } catch (err) {
    return { value: false, error: messageOf(err).split('\n')[0] ?? 'error' };
  }
}

function findWaiver(waivers: readonly Waiver[], rule: string, reference: string, now: Date, notices: string[]): Waiver | undefined {
  for (const waiver of waivers) {
    if (waiver.rule !== rule || !waiver.subjects.some((p) => globMatch(p, reference))) continue;
    if (waiverExpiry(waiver.expires).getTime() < now.getTime()) {
      notices.push(`waiver for rule ${rule} (owner ${waiver.owner}) expired on ${waiver.expires} and no longer applies`);
      continue;
    }
    return waiver;
  }
  return undefined;
}

/** A bare date means "through the end of that day, UTC". */
function waiverExpiry(expires: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? new Date(`${expires}T23:59:59.999Z`) : new Date(expires);
}

/** Glob over a whole string: "*" matches any run of characters, everything else literally. */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${re}$`, 's').test(value);
}
