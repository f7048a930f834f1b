import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseEvidence } from '../evidence/index.js';
import type { Evidence } from '../evidence/index.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { evaluatePolicies } from './evaluate.js';
import { parsePolicy } from './parse.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const evidence = (name: string): Evidence => parseEvidence(readFileSync(`${PROJECT_ROOT}/testdata/evidence/${name}.json`, 'utf8'), name);
const builtin = (name: string) => parsePolicy(readFileSync(`${PROJECT_ROOT}/policies/${name}.yaml`, 'utf8'), `builtin:${name}`);
const policy = (rules: string, waivers = '') =>
  parsePolicy(`apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: t }\nspec:\n  rules:\n${rules}${waivers ? `\n  waivers:\n${waivers}` : ''}\n`, 't.yaml');
const statusOf = (report: ReturnType<typeof evaluatePolicies>, rule: string) => report.results.find((r) => `${r.policy}/${r.rule}` === rule)?.status;

describe('evaluatePolicies', () => {
  test('an apk without an SBOM passes default but fails strict', () => {
    const apk = evidence('apk-no-sbom');
    assert.equal(evaluatePolicies([builtin('default')], apk, NOW).verdict, 'pass');
    const strict = evaluatePolicies([builtin('strict')], apk, NOW);
    assert.equal(strict.verdict, 'fail');
    assert.equal(statusOf(strict, 'strict/sbom-present'), 'fail');
    assert.equal(evaluatePolicies([builtin('strict')], evidence('apk-with-sbom'), NOW).verdict, 'pass');
  });

  test('several policies must all pass', () => {
    const apk = evidence('apk-no-sbom');
    assert.equal(evaluatePolicies([builtin('default'), builtin('signature')], apk, NOW).verdict, 'pass');
    assert.equal(evaluatePolicies([builtin('default'), builtin('strict')], apk, NOW).verdict, 'fail');
  });

  test('the provenance policy requires verified provenance meeting every expectation', () => {
    assert.equal(evaluatePolicies([builtin('provenance')], evidence('image-full'), NOW).verdict, 'pass');
    const mismatch = evaluatePolicies([builtin('provenance')], evidence('image-provenance-mismatch'), NOW);
    assert.equal(statusOf(mismatch, 'provenance/provenance-checks-passed'), 'fail');
    const unverified = { ...evidence('image-full'), provenance: evidence('image-full').provenance.map((p) => ({ ...p, verified: false })) };
    assert.equal(evaluatePolicies([builtin('provenance')], unverified, NOW).verdict, 'fail');
    assert.equal(evaluatePolicies([builtin('provenance')], evidence('apk-with-sbom'), NOW).verdict, 'fail', 'no provenance at all');
  });

  test('a rule whose input is missing fails closed; a guard that excludes the subject makes it not applicable', () => {
    const p = policy(`    - { name: needs-sbom, expression: 'sbom.status == "present"', message: m }
    - { name: guarded, match: 'sbom != null', expression: 'sbom.status == "present"', message: m }
    - { name: missing-field, expression: 'signatures.all(s, s.nosuchfield == "x")', message: m }`);
    const report = evaluatePolicies([p], evidence('pass'), NOW);
    const needs = report.results.find((r) => r.rule === 'needs-sbom');
    assert.equal(needs?.status, 'fail');
    assert.match(needs?.reason ?? '', /could not be evaluated \(fail closed\)/);
    assert.equal(statusOf(report, 't/guarded'), 'not-applicable');
    assert.equal(statusOf(report, 't/missing-field'), 'fail');
    assert.equal(report.verdict, 'fail');
  });

  test('nothing required is a fail: every rule was excluded by its guard', () => {
    const report = evaluatePolicies([policy(`    - { name: only-images, match: 'subject.kind == "image"', expression: 'true', message: m }`)], evidence('pass'), NOW);
    assert.equal(report.verdict, 'fail');
    assert.ok(report.notices.some((n) => /nothing was required/.test(n)));
  });

  test('a failed warning-severity rule is reported but does not fail the verdict', () => {
    const report = evaluatePolicies([policy(`    - { name: ok, expression: 'true', message: m }\n    - { name: soft, severity: warning, expression: 'false', message: m }`)], evidence('pass'), NOW);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.summary.warnings, 1);
  });

  test('a waiver applies to matching subjects until it expires, and the report says when it expired', () => {
    const p = policy(`    - { name: never, expression: 'false', message: must not happen }`, `    - { rule: never, subjects: ["./hello*"], reason: migration, owner: team-a, expires: 2026-11-30 }
    - { rule: never, subjects: ["./hello*"], reason: older, owner: team-b, expires: 2026-01-31 }`);
    const before = evaluatePolicies([p], evidence('pass'), NOW);
    assert.equal(before.verdict, 'pass');
    assert.equal(before.results[0]?.status, 'waived');
    assert.equal(before.results[0]?.waiver?.owner, 'team-a');
    assert.equal(before.results[0]?.expiredWaivers?.[0]?.owner, 'team-b');
    const after = evaluatePolicies([p], evidence('pass'), new Date('2026-12-01T00:00:00Z'));
    assert.equal(after.verdict, 'fail');
    assert.equal(after.results[0]?.status, 'fail');
    assert.ok(after.notices.some((n) => /team-a.*expired on 2026-11-30/.test(n)));
    const lastDay = evaluatePolicies([p], evidence('pass'), new Date('2026-11-30T23:00:00Z'));
    assert.equal(lastDay.verdict, 'pass', 'a bare date waives through the end of that day (UTC)');
    const other = { ...evidence('pass'), subject: { ...evidence('pass').subject, reference: './other.txt' } };
    assert.equal(evaluatePolicies([p], other, NOW).verdict, 'fail', 'subjects that do not match are not waived');
  });

  test('the effective time is the variable now', () => {
    const p = policy(`    - { name: t, expression: 'now == timestamp("2026-11-02T00:00:00Z")', message: m }`);
    assert.equal(evaluatePolicies([p], evidence('pass'), NOW).verdict, 'pass');
  });

  test('identical inputs and time give identical reports; results are sorted', () => {
    const a = evaluatePolicies([builtin('strict'), builtin('default')], evidence('image-full'), NOW);
    const b = evaluatePolicies([builtin('strict'), builtin('default')], evidence('image-full'), NOW);
    assert.deepEqual(a, b);
    const keys = a.results.map((r) => `${r.policy}/${r.rule}`);
    assert.deepEqual(keys, [...keys].sort());
  });
});
