import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isVouchError } from '../errors.js';
import { parseEvidence } from '../evidence/index.js';
import type { Evidence } from '../evidence/index.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { parsePolicyExpression } from './cel-env.js';
import { compileExpression } from './compile.js';
import { evaluatePolicies } from './evaluate.js';
import { checkPolicyText, parsePolicy } from './parse.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const evidence = (): Evidence => parseEvidence(readFileSync(`${PROJECT_ROOT}/testdata/evidence/apk-no-sbom.json`, 'utf8'), 'apk-no-sbom');
const policy = (expression: string) =>
  parsePolicy(`apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: t }\nspec:\n  rules:\n    - name: r\n      expression: ${JSON.stringify(expression)}\n      message: m\n`, 't.yaml');
const run = (expression: string, context: Record<string, unknown>): unknown => {
  const { program, problem } = compileExpression(expression);
  assert.ok(program, problem);
  return program(context);
};

describe('CEL matches() on RE2', () => {
  test('pathological patterns over long strings answer at once, and correctly', { timeout: 30_000 }, () => {
    const xs = 'x'.repeat(200_000);
    assert.equal(run('subject.reference.matches(".*x.*y")', { subject: { reference: xs } }), false);
    assert.equal(run('subject.reference.matches(".*x.*y")', { subject: { reference: `${xs}y` } }), true);
    // 2^40 paths for a backtracking engine.
    assert.equal(run('subject.reference.matches("^(a+)+$")', { subject: { reference: `${'a'.repeat(40)}!` } }), false);
    assert.equal(run('subject.reference.matches("^(a|aa)*$")', { subject: { reference: 'a'.repeat(100_000) } }), true);
  });

  test('unanchored search as in CEL, RE2 syntax, inside comprehensions and explanations too', { timeout: 30_000 }, () => {
    assert.equal(run('subject.reference.matches("acme")', { subject: { reference: 'registry.acme.dev/app' } }), true);
    assert.equal(run('subject.reference.matches("(?i)^REGISTRY")', { subject: { reference: 'registry.acme.dev/app' } }), true);
    assert.equal(run('["a", "b"].exists(x, x.matches("^b$"))', {}), true);
    assert.equal(run('checks.all(c, c.id.matches("^(a+)+$"))', { checks: [{ id: `${'a'.repeat(40)}!` }] }), false);
    // The explanation re-parses part of the rule: it must get RE2 too (V8 would hang on it).
    const given = evidence();
    const long = `${'a'.repeat(40)}!`;
    const report = evaluatePolicies([policy(`checks.all(c, (c.id + "${long}").matches("^(a+)+$"))`)], given, NOW);
    assert.equal(report.results[0]?.status, 'fail');
    assert.match(report.results[0]?.reason ?? '', /not satisfied by/);
  });

  test('the library program runs RE2, not the V8 RegExp of the CEL library', () => {
    // \\Q...\\E quotes in RE2; V8 reads it as the letters Q and E.
    assert.equal(parsePolicyExpression('subject.reference.matches("\\\\Qa.b\\\\E")')({ subject: { reference: 'a.b' } }), true);
    assert.equal(parsePolicyExpression('subject.reference.matches("\\\\Qa.b\\\\E")')({ subject: { reference: 'axb' } }), false);
  });

  test('lint reports a pattern RE2 refuses at the rule expression', () => {
    const { problems } = checkPolicyText(
      'apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: x }\nspec:\n  rules:\n    - { name: r, expression: \'subject.reference.matches("a(?=b)")\', message: m }\n',
      'x',
    );
    assert.equal(problems[0]?.path, '/spec/rules/0/expression');
    assert.match(problems[0]?.message ?? '', /not an RE2 regular expression/);
  });
});

describe('policy evaluation time budget', () => {
  const limit = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED' && pattern.test(e.message));

  test('a clock past the deadline between rules stops the evaluation: LIMIT_EXCEEDED, no verdict', () => {
    let t = 0;
    const clock = () => (t += 1000);
    limit(() => evaluatePolicies([policy('true')], evidence(), NOW, { timeoutMs: 500, clock }), /longer than 500 ms \(at policy t rule r\)/);
  });

  test('inside a long comprehension the deadline is checked in vouch functions', { timeout: 60_000 }, () => {
    let reads = 0;
    // The clock jumps past the deadline after a few readings: mid-rule, inside matchesGlob calls.
    const clock = () => (++reads > 3 ? 1e9 : 0);
    const slow = 'checks.all(c, [' + Array.from({ length: 200 }, (_, i) => `"${i}"`).join(',') + '].all(g, !c.id.matchesGlob(g + "*x")))';
    limit(() => evaluatePolicies([policy(slow)], evidence(), NOW, { timeoutMs: 1000, clock }), /took longer than 1000 ms/);
    // The same rule with a clock that stands still gives its verdict.
    const report = evaluatePolicies([policy(slow)], evidence(), NOW, { timeoutMs: 1000, clock: () => 0 });
    assert.equal(report.results[0]?.status, 'pass');
  });
});
