import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fail, isVouchError, VouchError } from '../errors.js';
import { packageRoot } from '../pipeline/package-root.js';
import type { Policy } from '../policy/index.js';

/** policies/ at the package root. */
export const builtinPolicyDir = (): string => join(packageRoot(), 'policies');

const BUILTIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Resolves a --policy value: a bare name (no slash, no .yaml) is policies/<name>.yaml; anything
 * else is a file path. Reads and validates it.
 * @throws VouchError USAGE when a built-in name does not exist; POLICY_INVALID when it is invalid.
 */
export async function loadPolicy(spec: string): Promise<Policy> {
  const builtin = BUILTIN_NAME.test(spec);
  const path = builtin ? join(builtinPolicyDir(), `${spec}.yaml`) : resolve(spec);
  let text: string;
  try {
    text = await readPolicyFile(path);
  } catch (err) {
    if (isVouchError(err)) throw err;
    if (builtin) {
      return fail('USAGE', `no built-in policy named ${spec}`, {
        hints: ['built-in policies: default, signature, provenance, sbom, strict; or give a path to a .yaml file'],
      });
    }
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot read policy ${spec}: ${(err as Error).message}`, cause: err });
  }
  // Imported here so that commands which never load a policy do not pay for ajv and CEL at start-up.
  const { parsePolicy } = await import('../policy/index.js');
  return parsePolicy(text, builtin ? `builtin:${spec}` : spec);
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

/** Reads a policy or policy-test file, refusing more than 1 MiB without reading it all. */
export async function readPolicyFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_POLICY_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_POLICY_FILE_BYTES) {
      throw new VouchError({ code: 'POLICY_INVALID', message: `${path} is larger than ${MAX_POLICY_FILE_BYTES} bytes; policy files are capped` });
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}
