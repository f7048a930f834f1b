import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowOf } from './line.js';
import type { BATCH_FORMATS } from './output.js';
import { batchWriter, summaryVerdict } from './output.js';
import { SummaryCollector } from './summary.js';
import type { SubjectOutcome } from './types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvidence } from '../evidence/parse.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import { BUILTIN_POLICIES } from '../policy/builtin-policies.generated.js';
import type { Report } from '../report/types.js';
import { PROJECT_ROOT } from '../testing/cli.js';

const nasty = 'evil\u001b[2J\u0007|`<x>\nname\ud800';
const evidenceText = readFileSync(join(PROJECT_ROOT, 'testdata', 'evidence', 'apk-with-sbom.json'), 'utf8');
/** A real report (the default policy over sample evidence), about a subject of the given name. */
const report = (verdict: 'pass' | 'fail', reference: string): Report => {
  const evidence = parseEvidence(evidenceText, 'sample');
  const named = { ...evidence, subject: { ...evidence.subject, reference } };
  const policy = BUILTIN_POLICIES[verdict === 'pass' ? 'sbom' : 'default'];
  assert.ok(policy);
  const r = evaluatePolicies([policy], named, new Date('2026-12-01T00:00:00Z'));
  return r.verdict === verdict ? r : { ...r, verdict };
};

const outcomes: SubjectOutcome[] = [
  { kind: 'report', subject: 'b.apk', subjectKind: 'apk', cached: true, report: report('pass', 'b.apk') },
  { kind: 'report', subject: nasty, subjectKind: 'apk', cached: false, report: report('fail', nasty) },
  { kind: 'error', subject: 'a.apk', subjectKind: 'apk', error: { code: 'NOT_FOUND', message: `gone ${nasty}`, hints: [], details: {} } },
];

function render(format: (typeof BATCH_FORMATS)[number], list: readonly SubjectOutcome[]): string {
  const writer = batchWriter(format);
  const collector = new SummaryCollector();
  let text = writer.start();
  for (const o of list) {
    collector.add(rowOf(o));
    text += writer.subject(o);
  }
  return text + writer.end(collector.summary());
}

test('batch output: text and markdown summaries never carry control characters; rows sorted by subject, whatever the order', () => {
  for (const format of ['text', 'markdown'] as const) {
    const text = render(format, outcomes);
    assert.doesNotMatch(text.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f]/, format);
    assert.equal(text, render(format, [...outcomes].reverse()), `${format}: deterministic`);
    assert.match(text, /3 subjects|of 3/);
  }
  const text = render('text', outcomes);
  assert.ok(text.indexOf('a.apk') < text.indexOf('b.apk'));
  assert.match(text, /COULD NOT CHECK +a\.apk .*NOT_FOUND: gone/);
  assert.match(text, /exit 3/);
});

test('batch output: json is one summary document; sarif one run per subject; junit one suite per subject and policy', () => {
  const json = JSON.parse(render('json', outcomes)) as { schema: string; totals: Record<string, number>; subjects: { subject: string }[] };
  assert.equal(json.schema, 'vouch.dev/batch-summary/v1');
  assert.deepEqual(json.totals, { subjects: 3, passed: 1, failed: 1, couldNotCheck: 1, cached: 1, exitCode: 3 });
  assert.equal((json as unknown as { verdict: unknown }).verdict, null, 'a subject that could not be checked leaves the run without a verdict');
  const sarif = JSON.parse(render('sarif', outcomes)) as { runs: { properties: { batchSubject: string }; invocations: { executionSuccessful: boolean }[] }[] };
  assert.deepEqual(sarif.runs.map((r) => [r.properties.batchSubject, r.invocations[0]?.executionSuccessful]), [['b.apk', true], [nasty, true], ['a.apk', false]]);
  const junit = render('junit', outcomes);
  assert.equal(junit.match(/<testsuite /g)?.length, 3);
  assert.doesNotMatch(junit, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  assert.match(junit, /<error message="gone /);
  const jsonl = render('jsonl', outcomes).split('\n').filter(Boolean);
  assert.equal(jsonl.length, 3);
});

test('batch output: the summary verdict is pass only when there were subjects and all passed', () => {
  const totals = (passed: number, failed: number, couldNotCheck: number, exitCode: 0 | 1 | 3) => ({ subjects: passed + failed + couldNotCheck, passed, failed, couldNotCheck, cached: 0, exitCode });
  assert.equal(summaryVerdict(totals(2, 0, 0, 0)), 'pass');
  assert.equal(summaryVerdict(totals(1, 1, 0, 1)), 'fail');
  assert.equal(summaryVerdict(totals(1, 1, 1, 3)), null);
  assert.equal(summaryVerdict(totals(0, 0, 0, 0)), null, 'nothing judged is no pass');
});
