import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generatePolicyValidator } from './schema-codegen.js';

test('the generated policy validator is fresh (run `npm run gen:policy-validator` after changing schema.ts)', () => {
  const committed = readFileSync(new URL('./schema-validator.generated.ts', import.meta.url), 'utf8');
  assert.equal(committed, generatePolicyValidator());
});
