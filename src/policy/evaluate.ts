import type { ParseResult } from '@marcbachmann/cel-js';
import { VouchError } from '../errors.js';
import { assembleEvidence, byKeys } from '../evidence/index.js';
import type { Evidence } from '../evidence/index.js';
import { REPORT_SCHEMA_VERSION } from '../report/types.js';
import type { Report, RuleResult, WaiverRef } from '../report/types.js';
import { POLICY_VARIABLES, toCelValue } from './cel-env.js';
import { compileExpression, formatCost, MAX_RULE_COST } from './compile.js';
import { estimateCost } from './cost.js';
import { checkDeadline, DEFAULT_POLICY_TIMEOUT_MS, deadlineExpired, withDeadline } from './deadline.js';
import { explainFailure } from './explain.js';
import { globMatch } from './functions.js';
import { waiverExpiry } from './waivers.js';
import { measure } from './shape.js';
import type { Shape } from './shape.js';
import type { Policy, PolicyRule, Waiver } from './types.js';

/** Bound on the estimated steps of one whole evaluation (every rule of every policy): under ~1.5 s. */
export const MAX_TOTAL_COST = 50_000_000;

/**
 * The bounds grow with the evidence, at these many estimated steps per unit of it (measure: about a
 * character of its JSON), so that a rule doing bounded work per piece of evidence is admitted on
 * any image: the default policy's no-unowned-files does about 6 per unit (each unowned file
 * against 19 globs). A rule that cross-references two long lists is quadratic and still refused
 * on large evidence, which is what the bound is for; evaluation time stays proportional to the
 * evidence vouch already built.
 */
const RULE_STEPS_PER_UNIT = 100;
const TOTAL_STEPS_PER_UNIT = 250;

/** The per-rule and total bounds for evidence of this size (never below the fixed ones). */
export function costLimits(evidenceUnits: number): { readonly rule: number; readonly total: number } {
  return { rule: Math.max(MAX_RULE_COST, RULE_STEPS_PER_UNIT * evidenceUnits), total: Math.max(MAX_TOTAL_COST, TOTAL_STEPS_PER_UNIT * evidenceUnits) };
}

export interface EvaluateOptions {
  /** Wall-clock budget of the whole evaluation in milliseconds (default DEFAULT_POLICY_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Milliseconds from any origin; performance.now by default, injected by tests. */
  readonly clock?: () => number;
}

/**
 * Evaluates every rule of every policy over the evidence at the effective time and returns the
 * Report. Pure: no I/O; the effective time is a parameter, and the clock read for the time
 * budget (deadline.ts) decides only whether a report is given at all, never what it says.
 *
 * Fail closed: a rule whose expression cannot be evaluated (a missing input, a type error) fails;
 * a verdict with no error-severity rule that applied is a fail, since nothing was required.
 * @throws VouchError LIMIT_EXCEEDED when a rule's estimated cost over this evidence is above the
 * bound (it is not run), or when the evaluation outlasts its time budget; POLICY_INVALID when a
 * rule does not compile.
 */
export function evaluatePolicies(policies: readonly Policy[], given: Evidence, now: Date, options: EvaluateOptions = {}): Report {
  const timeoutMs = options.timeoutMs ?? DEFAULT_POLICY_TIMEOUT_MS;
  try {
    return withDeadline(timeoutMs, options.clock ?? (() => performance.now()), () => evaluateWithin(policies, given, now));
  } catch (err) {
    if (!(err instanceof DeadlineExceededSignal)) throw err;
    throw new VouchError({
      code: 'LIMIT_EXCEEDED',
      message: `policy evaluation took longer than ${timeoutMs} ms (at policy ${err.policy} rule ${err.rule}); no verdict was reached`,
      details: { policy: err.policy, rule: err.rule, timeoutMs },
      hints: ['raise the budget with --policy-timeout <ms>, or simplify the rule; see docs/policy.md#cost'],
    });
  }
}

/** The deadline passed while this rule ran (or before it started). */
class DeadlineExceededSignal extends Error {
  constructor(
    readonly policy: string,
    readonly rule: string,
  ) {
    super('deadline exceeded');
  }
}

function evaluateWithin(policies: readonly Policy[], given: Evidence, now: Date): Report {
  // Saved evidence may come from anywhere; its lists are put in their documented order so that
  // the report is sorted and byte-identical whatever order the file had.
  const { schemaVersion: _version, tool, ...parts } = given;
  const evidence = assembleEvidence({ ...parts, toolVersion: tool.version });
  const context: Record<string, unknown> = { now };
  for (const name of POLICY_VARIABLES) context[name] = toCelValue(evidence[name]);
  const { shape, units } = measure(context);
  const limits = costLimits(units);
  const notices: string[] = [];
  const results: RuleResult[] = [];
  let spent = 0;
  for (const policy of policies) {
    for (const rule of policy.rules) {
      const compiled = compileRule(policy, rule);
      passDeadline(policy, rule);
      const cost = admitCost(policy, rule, compiled, shape, spent, limits);
      spent += cost;
      // Explaining a failure re-runs part of the rule: only while the total budget allows it.
      const explain = spent + cost <= limits.total;
      const result = evaluateRule(policy, rule, compiled, context, evidence, now, notices, explain);
      // A rule cut short by the deadline has no result: the whole evaluation gives none.
      if (deadlineExpired()) throw new DeadlineExceededSignal(policy.name, rule.name);
      if (result.status !== 'pass' && explain) spent += cost;
      results.push(result);
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

interface CompiledRule {
  readonly expression: ParseResult;
  readonly match?: ParseResult;
}

const compiledRules = new WeakMap<PolicyRule, CompiledRule>();

function compileRule(policy: Policy, rule: PolicyRule): CompiledRule {
  const cached = compiledRules.get(rule);
  if (cached) return cached;
  const compile = (text: string, field: string): ParseResult => {
    const { program, problem } = compileExpression(text);
    if (program) return program;
    throw new VouchError({ code: 'POLICY_INVALID', message: `policy ${policy.name} rule ${rule.name} ${field}: ${problem ?? 'invalid'}` });
  };
  const compiled = {
    expression: compile(rule.expression, 'expression'),
    ...(rule.match === undefined ? {} : { match: compile(rule.match, 'match') }),
  };
  compiledRules.set(rule, compiled);
  return compiled;
}

/** Refuses to run a rule whose estimated cost over this evidence is above the bound. */
function admitCost(policy: Policy, rule: PolicyRule, compiled: CompiledRule, shape: Shape, spent: number, limits: { rule: number; total: number }): number {
  const cost = estimateCost(compiled.expression.ast, shape) + (compiled.match ? estimateCost(compiled.match.ast, shape) : 0);
  const where = `policy ${policy.name} rule ${rule.name}`;
  if (!(cost <= limits.rule)) {
    throw new VouchError({
      code: 'LIMIT_EXCEEDED',
      message: `${where} would take about ${formatCost(cost)} evaluation steps over this evidence (limit ${formatCost(limits.rule)}); it was not run`,
      details: { policy: policy.name, rule: rule.name, estimatedSteps: Number.isFinite(cost) ? cost : null, limit: limits.rule },
      hints: ['avoid nesting comprehensions over large lists and repeated concatenation; see docs/policy.md#cost'],
    });
  }
  if (spent + cost > limits.total) {
    throw new VouchError({
      code: 'LIMIT_EXCEEDED',
      message: `the policies would take more than ${formatCost(limits.total)} evaluation steps in total over this evidence (at ${where})`,
      details: { policy: policy.name, rule: rule.name, limit: limits.total },
    });
  }
  return cost;
}

function passDeadline(policy: Policy, rule: PolicyRule): void {
  try {
    checkDeadline(true);
  } catch {
    throw new DeadlineExceededSignal(policy.name, rule.name);
  }
}

function evaluateRule(
  policy: Policy,
  rule: PolicyRule,
  compiled: CompiledRule,
  context: Record<string, unknown>,
  evidence: Evidence,
  now: Date,
  notices: string[],
  explain: boolean,
): RuleResult {
  const base = {
    policy: policy.name,
    rule: rule.name,
    severity: rule.severity,
    message: rule.message,
    expression: rule.expression,
    ...(rule.match === undefined ? {} : { match: rule.match }),
  };
  if (compiled.match) {
    const guard = evaluateBool(compiled.match, context);
    if (guard.error !== undefined) return { ...base, status: 'fail', reason: `guard could not be evaluated (fail closed): ${guard.error}` };
    if (!guard.value) return { ...base, status: 'not-applicable' };
  }
  const outcome = evaluateBool(compiled.expression, context);
  if (outcome.error === undefined && outcome.value) return { ...base, status: 'pass' };
  const reason = outcome.error !== undefined ? `could not be evaluated (fail closed): ${outcome.error}` : explain ? explainFailure(compiled.expression.ast, context) : undefined;
  const { active, expired } = findWaivers(policy.waivers, rule.name, evidence, now);
  for (const w of expired) notices.push(`waiver for ${policy.name}/${rule.name} (owner ${w.owner}) expired on ${w.expires} and no longer applies`);
  const expiredWaivers = expired.length > 0 ? { expiredWaivers: expired.map(ref) } : {};
  const why = reason === undefined ? {} : { reason };
  if (active) return { ...base, status: 'waived', ...why, waiver: ref(active), ...expiredWaivers };
  return { ...base, status: 'fail', ...why, ...expiredWaivers };
}

function evaluateBool(program: ParseResult, context: Record<string, unknown>): { value: boolean; error?: string } {
  try {
    const value: unknown = program(context);
    if (typeof value !== 'boolean') return { value: false, error: `expression gave ${value === null ? 'null' : typeof value}, not bool` };
    return { value };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    return { value: false, error: text.split('\n')[0] ?? 'error' };
  }
}

/** Waivers for this rule whose subject globs match the reference or the digest. */
function findWaivers(waivers: readonly Waiver[], rule: string, evidence: Evidence, now: Date): { active?: Waiver; expired: Waiver[] } {
  const { reference, digest } = evidence.subject;
  const matching = waivers.filter((w) => w.rule === rule && w.subjects.some((p) => globMatch(reference, p) || globMatch(digest, p)));
  const expired = matching.filter((w) => waiverExpiry(w.expires).getTime() < now.getTime());
  const active = matching.find((w) => !expired.includes(w));
  return active ? { active, expired } : { expired };
}

function ref(w: Waiver): WaiverRef {
  return { reason: w.reason, owner: w.owner, expires: w.expires };
}
