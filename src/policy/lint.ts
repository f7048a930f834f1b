import { isVouchError } from '../errors.js';
import { createPolicyEnvironment } from './cel-env.js';
import { parsePolicy } from './parse.js';
import type { PolicyProblem } from './parse.js';

/**
 * Every problem in a policy file: structure first; when the structure is sound, every CEL
 * expression and guard must also compile and type-check in the policy environment.
 */
export function lintPolicyText(text: string, source: string): PolicyProblem[] {
  let policy;
  try {
    policy = parsePolicy(text, source);
  } catch (err) {
    if (isVouchError(err) && err.code === 'POLICY_INVALID') return [...((err.details?.['problems'] as PolicyProblem[]) ?? [])];
    throw err;
  }
  const env = createPolicyEnvironment();
  const problems: PolicyProblem[] = [];
  policy.rules.forEach((rule, i) => {
    for (const [field, expr] of [['expression', rule.expression], ['match', rule.match]] as const) {
      if (expr === undefined) continue;
      try {
        const result = env.check(expr);
        if (!result.valid) problems.push({ path: `/spec/rules/${i}/${field}`, message: `CEL: ${result.error?.message ?? 'invalid'}` });
        else if (result.type !== 'bool' && result.type !== 'dyn') problems.push({ path: `/spec/rules/${i}/${field}`, message: `CEL: must be bool, is ${result.type}` });
      } catch (err) {
        problems.push({ path: `/spec/rules/${i}/${field}`, message: `CEL: ${(err as Error).message.split('\n')[0]}` });
      }
    }
  });
  return problems;
}
