import { resolve } from 'node:path';
import { fail, isVouchError, VouchError } from '../errors.js';
import { readInputFile } from '../pipeline/input-file.js';
import type { Policy } from '../policy/index.js';

const BUILTIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * One policy as a caller names it: a built-in name (`default`, `strict`…), a path to a YAML file,
 * the YAML text itself (`{ yaml, source }`, source names it in the report), or a Policy already
 * loaded (passed through, so a caller that loads once can verify many subjects).
 */
export type PolicyInput = string | { readonly yaml: string; readonly source: string } | Policy;

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
  return parsePolicyText(text, spec);
}

/** Parses and validates policy YAML text (the same checks as a file: size, schema, CEL compile). */
async function parsePolicyText(text: string, source: string): Promise<Policy> {
  // Imported here so that runs with only built-in policies never load yaml, ajv's validator or the parser.
  const { parsePolicy } = await import('../policy/parse.js');
  return parsePolicy(text, source);
}

function loadOne(input: PolicyInput): Promise<Policy> {
  if (typeof input === 'string') return loadPolicy(input);
  if ('yaml' in input) {
    if (typeof input.yaml !== 'string' || typeof input.source !== 'string') return fail('USAGE', 'a policy given as text needs { yaml: string, source: string }');
    return parsePolicyText(input.yaml, input.source);
  }
  // A Policy object comes from loadPolicies or the parser; its digest names it in the report.
  if (typeof input.name !== 'string' || typeof input.digest !== 'string' || !Array.isArray(input.rules)) {
    return fail('USAGE', 'a policy must be a built-in name, a file path, { yaml, source }, or a Policy returned by loadPolicies');
  }
  return Promise.resolve(input);
}

/**
 * Loads every policy (none given: the default policy). The same policy given twice counts once;
 * two different policies with the same name would make the report ambiguous: a usage error.
 */
export async function loadPolicies(specs: readonly PolicyInput[] = []): Promise<Policy[]> {
  const list = specs.length > 0 ? specs : ['default'];
  const policies = await Promise.all(list.map(loadOne));
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
