export { createPolicyEnvironment, POLICY_VARIABLES, toCelValue } from './cel-env.js';
export { evaluatePolicies, globMatch } from './evaluate.js';
export { parsePolicy } from './parse.js';
export type { PolicyProblem } from './parse.js';
export { POLICY_API_VERSION } from './types.js';
export type { Policy, PolicyRule, Severity, Waiver } from './types.js';
export { lintPolicyText } from './lint.js';
