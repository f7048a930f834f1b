import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../testing/cli.js';
import { parsePolicyTest } from './test-file.js';
import { checkPolicyText } from './parse.js';
import { MAX_YAML_DEPTH, yamlDepthBound } from './yaml-depth.js';

const ONE_MIB = 1 << 20;

test('yaml depth: every policy and policy test in the repository is far below the cap', () => {
  const dirs = ['policies', 'testdata/policy', 'testdata/policy-tests/pass', 'testdata/policy-tests/fail'];
  for (const d of dirs) {
    for (const name of readdirSync(join(PROJECT_ROOT, d)).filter((n) => n.endsWith('.yaml'))) {
      const bound = yamlDepthBound(readFileSync(join(PROJECT_ROOT, d, name), 'utf8'));
      assert.ok(bound <= 32, `${d}/${name}: ${bound}`);
    }
  }
});

test('yaml depth: the bound follows flow and block nesting and ignores what is inside scalars', () => {
  assert.ok(yamlDepthBound('a: 1\n') <= 4);
  assert.ok(yamlDepthBound('a:\n  b:\n    c: [1, {d: e}]\n') >= 5);
  const quoted = `a: "${'['.repeat(10_000)}"\nb: |\n  ${'{'.repeat(10_000)}\n# ${'['.repeat(10_000)}\n`;
  assert.ok(yamlDepthBound(quoted) <= 6, String(yamlDepthBound(quoted)));
});

test('yaml depth: 1 MiB of flow, compact and indented nesting is refused before yaml recurses', { timeout: 60_000 }, () => {
  const hostile = [
    '['.repeat(ONE_MIB - 1),
    '{a: '.repeat(ONE_MIB / 4 - 1),
    '- '.repeat(ONE_MIB / 2 - 1),
    Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
    Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}- k:`).join('\n'),
  ];
  for (const text of hostile) {
    assert.ok(yamlDepthBound(text) > MAX_YAML_DEPTH);
    const check = checkPolicyText(text, 'hostile.yaml');
    assert.equal(check.policy, undefined);
    assert.match(check.problems[0]?.message ?? '', /nested more than 128 levels deep/);
    assert.throws(() => parsePolicyTest(text, 'hostile.test.yaml'), (err: Error & { code?: string }) => err.code === 'POLICY_INVALID' && /nested more than/.test(err.message));
  }
});
