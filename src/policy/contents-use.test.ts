import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isVouchError } from '../errors.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { policiesNeedingContents, readsContents } from './contents-use.js';
import { parsePolicy } from './parse.js';

const builtin = (name: string) => parsePolicy(readFileSync(`${PROJECT_ROOT}/policies/${name}.yaml`, 'utf8'), `builtin:${name}`);
const custom = (name: string, expression: string, match?: string) =>
  parsePolicy(
    `apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: ${name} }\nspec:\n  rules:\n    - name: r\n${match ? `      match: ${JSON.stringify(match)}\n` : ''}      expression: ${JSON.stringify(expression)}\n      message: m\n`,
    `${name}.yaml`,
  );

test('contents: signature and provenance judge no contents; default, sbom and strict do', () => {
  const names = ['signature', 'provenance', 'default', 'sbom', 'strict'];
  assert.deepEqual(policiesNeedingContents(names.map(builtin)), ['default', 'sbom', 'strict']);
});

test('contents: a reference in a guard, in a nested comprehension or through has() counts', () => {
  assert.deepEqual(policiesNeedingContents([custom('guard', 'true', 'inventory != null')]), ['guard']);
  assert.deepEqual(policiesNeedingContents([custom('nested', 'checks.all(c, c.status != "fail" || reconciliation.findings.size() == 0)')]), ['nested']);
  assert.deepEqual(policiesNeedingContents([custom('has', 'has(sbom.documents)')]), ['has']);
  // A field named like a contents variable is not a reference to it.
  assert.deepEqual(policiesNeedingContents([custom('field', 'subject.inventory == null || signatures.size() > 0')]), []);
});

test('contents: auto reads only when needed, always always reads, never refuses a policy that needs the contents', () => {
  const signature = [builtin('signature')];
  const withDefault = [builtin('signature'), builtin('default')];
  assert.equal(readsContents('auto', signature), false);
  assert.equal(readsContents('auto', withDefault), true);
  assert.equal(readsContents('always', signature), true);
  assert.equal(readsContents('never', signature), false);
  assert.throws(
    () => readsContents('never', withDefault),
    (err: unknown) => isVouchError(err) && err.code === 'CONTENTS_REQUIRED' && /policy default judges the image contents/.test(err.message),
  );
});
