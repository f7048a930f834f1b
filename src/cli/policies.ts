import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, VouchError } from '../errors.js';
import { parsePolicy } from '../policy/index.js';
import type { Policy } from '../policy/index.js';

/** policies/ at the package root (this file is src/cli/ or dist/cli/). */
export const BUILTIN_POLICY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'policies');

const BUILTIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Resolves a --policy value: a bare name (no slash, no .yaml) is policies/<name>.yaml; anything
 * else is a file path. Reads and validates it.
 * @throws VouchError USAGE when a built-in name does not exist; POLICY_INVALID when it is invalid.
 */
export async function loadPolicy(spec: string): Promise<Policy> {
  const builtin = BUILTIN_NAME.test(spec);
  const path = builtin ? join(BUILTIN_POLICY_DIR, `${spec}.yaml`) : resolve(spec);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (builtin) {
      return fail('USAGE', `no built-in policy named ${spec}`, {
        hints: ['built-in policies: default, signature, provenance, sbom, strict; or give a path to a .yaml file'],
      });
    }
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot read policy ${spec}: ${(err as Error).message}`, cause: err });
  }
  return parsePolicy(text, builtin ? `builtin:${spec}` : spec);
}

export async function loadPolicies(specs: readonly string[]): Promise<Policy[]> {
  const list = specs.length > 0 ? specs : ['default'];
  return Promise.all(list.map(loadPolicy));
}
