import { Environment } from '@marcbachmann/cel-js';
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
  env.registerFunction(VOUCH_FUNCTIONS.semverValid, (a: string) => semverValid(a));
  env.registerFunction(VOUCH_FUNCTIONS.semverCompare, (a: string, b: string) => semverCompare(a, b));
  env.registerFunction(VOUCH_FUNCTIONS.semverLt, (a: string, b: string) => semverCompare(a, b) < 0n);
  env.registerFunction(VOUCH_FUNCTIONS.matchesGlob, (value: string, pattern: string) => globMatch(value, pattern));
  env.registerFunction(VOUCH_FUNCTIONS.purl, (text: string) => parsePurl(text));
  env.registerFunction(VOUCH_FUNCTIONS.purlValid, (text: string) => purlValid(text));
  env.registerFunction(VOUCH_FUNCTIONS.licenseSatisfies, (expr: string, allowed: readonly string[]) => licenseSatisfies(expr, allowed));
  env.registerFunction(VOUCH_FUNCTIONS.flatten, (list: readonly unknown[]) => flattenOnce(list));
  env.registerType('SetsNamespace', SetsNamespace);
  env.registerConstant('sets', 'SetsNamespace', new SetsNamespace());
  env.registerFunction('SetsNamespace.contains(list, list): bool', (_ns: unknown, a: readonly unknown[], b: readonly unknown[]) => setContains(a, b));
  env.registerFunction('SetsNamespace.intersects(list, list): bool', (_ns: unknown, a: readonly unknown[], b: readonly unknown[]) => setIntersects(a, b));
  shared = env;
  return env;
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
