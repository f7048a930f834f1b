import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateBuiltinPolicies } from './builtin-codegen.js';
import { BUILTIN_POLICIES } from './builtin-policies.generated.js';
import { parsePolicy } from './parse.js';

const POLICIES = new URL('../../policies/', import.meta.url);

function policyFiles(): { name: string; text: string }[] {
  return readdirSync(POLICIES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: f.slice(0, -'.yaml'.length), text: readFileSync(new URL(f, POLICIES), 'utf8') }));
}

test('the generated built-in policies are fresh (run `npm run gen:builtin-policies` after changing policies/*.yaml)', () => {
  const committed = readFileSync(new URL('./builtin-policies.generated.ts', import.meta.url), 'utf8');
  assert.equal(committed, generateBuiltinPolicies(policyFiles()));
});

test('each built-in policy is what parsing its YAML file gives, digest of the file included', () => {
  const files = policyFiles();
  assert.deepEqual(Object.keys(BUILTIN_POLICIES).sort(), files.map((f) => f.name).sort());
  for (const { name, text } of files) assert.deepEqual(BUILTIN_POLICIES[name], parsePolicy(text, `builtin:${name}`), name);
});
