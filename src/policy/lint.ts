import { checkPolicyText } from './parse.js';
import type { PolicyProblem } from './parse.js';

/**
 * Every problem in a policy file, found in one pass: YAML, schema, waivers and every CEL
 * expression and guard (see checkPolicyText). An empty list means the policy is valid.
 */
export function lintPolicyText(text: string, source: string): PolicyProblem[] {
  return [...checkPolicyText(text, source).problems];
}
