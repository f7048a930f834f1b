import { Environment } from '@marcbachmann/cel-js';

/** The CEL variables a policy sees: the Evidence members plus the effective time. */
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
 * grow without bound. Comprehensions over evidence lists are bounded by the evidence caps.
 */
export const CEL_LIMITS = {
  maxAstNodes: 5000,
  maxDepth: 64,
  maxListElements: 1000,
  maxMapEntries: 1000,
  maxCallArguments: 16,
} as const;

/** Builds the CEL environment every policy rule is compiled in. */
export function createPolicyEnvironment(): Environment {
  const env = new Environment({ limits: CEL_LIMITS, homogeneousAggregateLiterals: false });
  for (const name of POLICY_VARIABLES) env.registerVariable(name, 'dyn');
  env.registerVariable('now', 'google.protobuf.Timestamp');
  return env;
}

/**
 * Converts a JSON value for CEL: integral numbers become int (bigint), as CEL has no implicit
 * int/double equality, so `summary.missing == 0` compares as users expect.
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
