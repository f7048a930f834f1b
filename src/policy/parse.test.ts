import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isVouchError } from '../errors.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { checkPolicyText, MAX_POLICY_BYTES, parsePolicy } from './parse.js';
import { POLICY_SCHEMA } from './schema.js';

const header = 'apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: t }\n';
const problemsOf = (text: string) => checkPolicyText(text, 't.yaml').problems.map((p) => `${p.path}: ${p.message}`);

describe('policy parsing and validation', () => {
  test('policies/policy.schema.json is exactly the schema the parser validates with', () => {
    const shipped: unknown = JSON.parse(readFileSync(`${PROJECT_ROOT}/policies/policy.schema.json`, 'utf8'));
    assert.deepEqual(shipped, JSON.parse(JSON.stringify(POLICY_SCHEMA)));
  });

  test('every built-in policy is valid', () => {
    const dir = `${PROJECT_ROOT}/policies`;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.includes('default.yaml') && files.includes('strict.yaml'));
    for (const f of files) {
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      assert.deepEqual(problemsOf(text), [], f);
      assert.match(text, /^# [a-z-]+: /, `${f} starts with a comment header saying what it demands`);
      assert.equal(parsePolicy(text, f).name, f.replace(/\.yaml$/, ''), `${f}: metadata.name matches the file name`);
    }
  });

  test('structural and CEL problems are all reported in one pass, each with its path', () => {
    const problems = problemsOf(`${header}spec:
  rules:
    - name: Bad_Name
      severity: fatal
      expression: 'signatures.exists(s, s.verified &&'
      message: m
      colour: blue
    - name: not-bool
      expression: checks.size()
      message: m
    - name: bad-guard
      match: nosuchvar == 1
      expression: "true"
      message: m
    - name: no-message
      expression: "true"
  waivers:
    - rule: no-such-rule
      subjects: ["*"]
      reason: r
    - rule: not-bool
      subjects: []
      reason: r
      owner: o
      expires: 2027-02-30
`);
    const expected = [
      '/spec/rules/0/colour: unknown field',
      '/spec/rules/0/expression: CEL does not parse',
      '/spec/rules/0/name: must match pattern',
      '/spec/rules/0/severity: must be one of "error", "warning"',
      '/spec/rules/1/expression: CEL must give a bool, gives int',
      '/spec/rules/2/match: CEL does not type-check',
      '/spec/rules/3/message: required field is missing',
      '/spec/waivers/0/expires: required field is missing',
      '/spec/waivers/0/owner: required field is missing',
      '/spec/waivers/0/rule: unknown rule no-such-rule',
      '/spec/waivers/1/expires: not a valid date',
      '/spec/waivers/1/subjects: must NOT have fewer than 1 items',
    ];
    for (const e of expected) assert.ok(problems.some((p) => p.startsWith(e)), `missing "${e}" in\n${problems.join('\n')}`);
  });

  test('a policy that is not YAML, not a mapping, or of another kind is refused', () => {
    assert.match(problemsOf('rules: [unclosed')[0] ?? '', /not valid YAML/);
    assert.match(problemsOf('- a\n- b').join('\n'), /must be object/);
    assert.match(problemsOf(`apiVersion: vouch.dev/v2\nkind: Policy\nmetadata: {name: t}\nspec: {rules: [{name: a, expression: "true", message: m}]}`).join('\n'), /apiVersion: must be "vouch.dev\/v1"/);
    assert.match(problemsOf('a: 1\na: 2').join('\n'), /not valid YAML/, 'duplicate keys are ambiguous');
  });

  test('a YAML alias bomb is refused without expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const problems = problemsOf(lines.join('\n'));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /alias/i);
  });

  test('a policy larger than the cap is refused before parsing', () => {
    assert.match(problemsOf(`# ${'x'.repeat(MAX_POLICY_BYTES)}\n${header}`)[0] ?? '', /larger than/);
  });

  test('parsePolicy throws POLICY_INVALID carrying every problem', () => {
    try {
      parsePolicy(`${header}spec: { rules: [], extra: 1 }`, 'x.yaml');
      assert.fail('should throw');
    } catch (err) {
      assert.ok(isVouchError(err) && err.code === 'POLICY_INVALID');
      assert.equal((err.details?.['problems'] as unknown[]).length, 2);
      assert.match(err.hints[0] ?? '', /vouch policy lint x.yaml/);
    }
  });

  test('a valid policy keeps its rules, defaults severity to error, and is digested', () => {
    const p = parsePolicy(`${header}spec:\n  rules:\n    - { name: a, expression: "true", message: m }\n  waivers:\n    - { rule: a, subjects: ["*"], reason: r, owner: o, expires: 2027-01-01 }\n`, 'p.yaml');
    assert.equal(p.rules[0]?.severity, 'error');
    assert.equal(p.waivers[0]?.expires, '2027-01-01', 'an unquoted date stays a string');
    assert.match(p.digest, /^sha256:[0-9a-f]{64}$/);
  });
});
