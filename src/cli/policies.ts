/** Policy loading lives in the library (src/library/policies.ts); the commands import it from here. */
export { loadPolicies, loadPolicy, readPolicyFile } from '../library/policies.js';
