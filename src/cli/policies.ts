import { resolve } from 'node:path';
import { fail, isVouchError, VouchError } from '../errors.js';
import { readInputFile } from '../pipeline/input-file.js';
import type { Policy } from '../policy/index.js';

const BUILTIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Resolves a --policy value: a bare name (no slash, no .yaml) is the built-in policy of that name
 * (policies/<name>.yaml, shipped pre-parsed: src/policy/builtin-codegen.ts); anything else is a
 * file path, read and validated here.
 * @throws VouchError USAGE when a built-in name does not exist; POLICY_INVALID when it is invalid.
 */
export async function loadPolicy(spec: string): Promise<Policy> {
  if (BUILTIN_NAME.test(spec)) {
    const { BUILTIN_POLICIES } = await import('../policy/builtin-policies.generated.js');
    const policy = Object.hasOwn(BUILTIN_POLICIES, spec) ? BUILTIN_POLICIES[spec] : undefined;
    if (policy) return policy;
    return fail('USAGE', `no built-in policy named ${spec}`, {
      hints: [`built-in policies: ${Object.keys(BUILTIN_POLICIES).join(', ')}; or give a path to a .yaml file`],
    });
  }
  let text: string;
  try {
    text = await readPolicyFile(resolve(spec));
  } catch (err) {
    if (isVouchError(err)) throw err;
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot read policy ${spec}: ${(err as Error).message}`, cause: err });
  }
  // Imported here so that runs with only built-in policies never load yaml, ajv's validator or the parser.
  const { parsePolicy } = await import('../policy/parse.js');
  return parsePolicy(text, spec);
}

/**
 * Loads every --policy (default: the default policy). The same policy given twice counts once;
 * two different policies with the same name would make the report ambiguous: a usage error.
 */
export async function loadPolicies(specs: readonly string[]): Promise<Policy[]> {
  const list = specs.length > 0 ? specs : ['default'];
  const policies = await Promise.all(list.map(loadPolicy));
  const byName = new Map<string, Policy>();
  for (const p of policies) {
    const seen = byName.get(p.name);
    if (seen && seen.digest !== p.digest) {
      throw new VouchError({ code: 'USAGE', message: `two different policies are named ${p.name} (${seen.source} and ${p.source})`, hints: ['give each policy a distinct metadata.name'] });
    }
    byName.set(p.name, p);
  }
  return [...byName.values()];
}

/** Policy files are read with a cap (1 MiB, as the parser enforces), so a huge file is refused early. */
const MAX_POLICY_FILE_BYTES = 1 << 20;

/**
 * Reads a policy or policy-test file: a regular file only (a FIFO or a device is refused before it
 * is opened), and more than 1 MiB is refused without reading it all.
 */
export async function readPolicyFile(path: string): Promise<string> {
  try {
    return (await readInputFile(path, { what: 'policy file', maxBytes: MAX_POLICY_FILE_BYTES })).toString('utf8');
  } catch (err) {
    // Over the cap is an invalid policy (exit 2), as the parser would also say.
    if (isVouchError(err) && err.code === 'LIMIT_EXCEEDED') {
      throw new VouchError({ code: 'POLICY_INVALID', message: `${path} is larger than ${MAX_POLICY_FILE_BYTES} bytes; policy files are capped` });
    }
    throw err;
  }
}
