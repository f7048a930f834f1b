import { Environment } from '@marcbachmann/cel-js';
import type { ParseResult } from '@marcbachmann/cel-js';
import { RE2_MATCHES_SIGNATURE, re2Matches, useRe2Matches } from './re2-matches.js';
import { checkDeadline } from './deadline.js';
import { flattenOnce, globMatch, licenseSatisfies, parsePurl, purlValid, semverCompare, semverValid, setContains, setIntersects } from './functions.js';

/** The CEL variables a policy sees: the Evidence members of the same names, plus `now`. */
export const POLICY_VARIABLES = [
  'subject',
  'checks',
  'signatures',
  'attestations',
  'provenance',
  'sbom',
  'inventory',
  'reconciliation',
  'expectations',
  'warnings',
] as const;

/**
 * Parse-time limits: a policy is untrusted input to an admission check, so an expression may not
 * grow without bound. Run-time cost (comprehensions, concatenation) is bounded by cost.ts.
 */
export const CEL_LIMITS = {
  maxAstNodes: 2000,
  maxDepth: 32,
  maxListElements: 256,
  maxMapEntries: 256,
  maxCallArguments: 8,
} as const;

/** The functions vouch adds, as documented in docs/policy.md (name -> CEL signature). */
export const VOUCH_FUNCTIONS = {
  semverValid: 'semverValid(string): bool',
  semverCompare: 'semverCompare(string, string): int',
  semverLt: 'semverLt(string, string): bool',
  matchesGlob: 'string.matchesGlob(string): bool',
  purl: 'purl(string): map<string, dyn>',
  purlValid: 'purlValid(string): bool',
  licenseSatisfies: 'licenseSatisfies(string, list<string>): bool',
  flatten: 'list.flatten(): list',
  setsContains: 'sets.contains(list, list): bool',
  setsIntersects: 'sets.intersects(list, list): bool',
} as const;

/** The receiver of `sets.contains(...)`: CEL has no namespaces, so `sets` is a constant of this type. */
class SetsNamespace {}

let shared: Environment | undefined;

/**
 * The CEL environment every policy rule is compiled in. It is immutable once built, so one
 * instance is shared (building it registers every function again, which costs more than a rule).
 */
export function policyEnvironment(): Environment {
  if (shared) return shared;
  const env = new Environment({ limits: CEL_LIMITS, homogeneousAggregateLiterals: false });
  for (const name of POLICY_VARIABLES) env.registerVariable(name, 'dyn');
  env.registerVariable('now', 'google.protobuf.Timestamp');
  // Every vouch function checks the evaluation's deadline first (deadline.ts): they are where a
  // synchronous evaluation hands control back to vouch.
  const timed =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      checkDeadline();
      return fn(...args);
    };
  env.registerFunction(VOUCH_FUNCTIONS.semverValid, timed((a: string) => semverValid(a)));
  env.registerFunction(VOUCH_FUNCTIONS.semverCompare, timed((a: string, b: string) => semverCompare(a, b)));
  env.registerFunction(VOUCH_FUNCTIONS.semverLt, timed((a: string, b: string) => semverCompare(a, b) < 0n));
  env.registerFunction(VOUCH_FUNCTIONS.matchesGlob, timed((value: string, pattern: string) => globMatch(value, pattern)));
  env.registerFunction(VOUCH_FUNCTIONS.purl, timed((text: string) => parsePurl(text)));
  env.registerFunction(VOUCH_FUNCTIONS.purlValid, timed((text: string) => purlValid(text)));
  env.registerFunction(VOUCH_FUNCTIONS.licenseSatisfies, timed((expr: string, allowed: readonly string[]) => licenseSatisfies(expr, allowed)));
  env.registerFunction(VOUCH_FUNCTIONS.flatten, timed((list: readonly unknown[]) => flattenOnce(list)));
  // The RE2 matches() (re2-matches.ts); re2Matches checks the deadline itself.
  env.registerFunction(RE2_MATCHES_SIGNATURE, (value: string, pattern: string) => re2Matches(value, pattern));
  env.registerType('SetsNamespace', SetsNamespace);
  env.registerConstant('sets', 'SetsNamespace', new SetsNamespace());
  env.registerFunction('SetsNamespace.contains(list, list): bool', timed((_ns: unknown, a: readonly unknown[], b: readonly unknown[]) => setContains(a, b)));
  env.registerFunction('SetsNamespace.intersects(list, list): bool', timed((_ns: unknown, a: readonly unknown[], b: readonly unknown[]) => setIntersects(a, b)));
  shared = env;
  return env;
}

/**
 * Parses an expression in the policy environment with CEL's matches() on RE2 (re2-matches.ts).
 * Every policy expression is parsed through here, never through policyEnvironment().parse().
 */
export function parsePolicyExpression(text: string): ParseResult {
  return useRe2Matches(policyEnvironment().parse(text));
}

/**
 * Converts a JSON value for CEL: integral numbers become int (bigint), as CEL has no implicit
 * int/double equality, so `summary.missing == 0` compares as users expect. null stays null: a rule
 * that selects through it fails to evaluate, which fails the rule (fail closed).
 */
export function toCelValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCelValue(v);
    return out;
  }
  return value;
}
