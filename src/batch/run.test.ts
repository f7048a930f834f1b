import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VouchError } from '../errors.js';
import { runBatch } from './run.js';
import type { BatchSubject } from './run.js';
import type { SubjectOutcome } from './types.js';
import { lineOf } from './line.js';

const subjects = (n: number): BatchSubject[] => Array.from({ length: n }, (_, i) => ({ name: `s${i}`, kind: 'artifact' }));

/** A verifier whose subjects finish in an order the test controls (no timers: resolved by hand). */
function controlled() {
  const pending = new Map<string, (o: SubjectOutcome) => void>();
  const started: string[] = [];
  return {
    started,
    pending,
    verify: (s: BatchSubject) =>
      new Promise<SubjectOutcome>((resolve) => {
        started.push(s.name);
        pending.set(s.name, resolve);
      }),
  };
}

const fakeReport = (name: string, verdict: 'pass' | 'fail'): SubjectOutcome =>
  ({ kind: 'report', subject: name, subjectKind: 'artifact', cached: false, report: { verdict, subject: { digest: `sha256:${name}` }, summary: { failed: verdict === 'fail' ? 1 : 0 }, results: [] } }) as unknown as SubjectOutcome;

test('runBatch: outcomes are emitted in input order whatever order subjects finish in; at most `jobs` run at once', async () => {
  const c = controlled();
  const emitted: string[] = [];
  const run = runBatch(subjects(6), { jobs: 3, verify: c.verify, emit: (o) => void emitted.push(o.subject) });
  await new Promise(setImmediate);
  assert.deepEqual(c.started, ['s0', 's1', 's2']);
  for (const name of ['s2', 's1']) c.pending.get(name)?.(fakeReport(name, 'pass'));
  await new Promise(setImmediate);
  assert.deepEqual(emitted, [], 's0 has not finished: nothing after it is emitted');
  assert.deepEqual(c.started, ['s0', 's1', 's2', 's3', 's4']);
  c.pending.get('s0')?.(fakeReport('s0', 'fail'));
  await new Promise(setImmediate);
  assert.deepEqual(emitted, ['s0', 's1', 's2']);
  for (const name of ['s5', 's4', 's3']) {
    await new Promise(setImmediate);
    c.pending.get(name)?.(fakeReport(name, 'pass'));
  }
  await run;
  assert.deepEqual(emitted, ['s0', 's1', 's2', 's3', 's4', 's5']);
});

test('runBatch: a slow subject holds back at most a window of outcomes (memory bounded whatever the count)', async () => {
  const c = controlled();
  const emitted: string[] = [];
  const run = runBatch(subjects(1000), { jobs: 2, verify: c.verify, emit: (o) => void emitted.push(o.subject) });
  // Everything but s0 finishes as soon as it starts.
  for (let round = 0; round < 100; round++) {
    await new Promise(setImmediate);
    for (const [name, resolve] of c.pending) if (name !== 's0') {
      c.pending.delete(name);
      resolve(fakeReport(name, 'pass'));
    }
  }
  assert.ok(c.started.length <= 17, `${c.started.length} started while s0 was still running (window 16)`);
  assert.deepEqual(emitted, []);
  c.pending.get('s0')?.(fakeReport('s0', 'pass'));
  c.pending.delete('s0');
  for (let round = 0; round < 3000 && emitted.length < 1000; round++) {
    await new Promise(setImmediate);
    for (const [name, resolve] of c.pending) {
      c.pending.delete(name);
      resolve(fakeReport(name, 'pass'));
    }
  }
  await run;
  assert.equal(emitted.length, 1000);
  assert.deepEqual(emitted.slice(0, 3), ['s0', 's1', 's2']);
});

test('runBatch: a subject that throws becomes its own "could not check" line; the others finish', async () => {
  const emitted: SubjectOutcome[] = [];
  await runBatch(subjects(5), {
    jobs: 2,
    verify: (s) => {
      if (s.name === 's1') return Promise.reject(new VouchError({ code: 'NOT_FOUND', message: 'gone', hints: ['look again'] }));
      if (s.name === 's3') return Promise.reject(new TypeError('boom'));
      return Promise.resolve(fakeReport(s.name, s.name === 's2' ? 'fail' : 'pass'));
    },
    emit: (o) => void emitted.push(o),
  });
  const lines = emitted.map(lineOf);
  assert.deepEqual(lines.map((l) => [l.subject, l.exitCode, l.error?.code ?? null]), [
    ['s0', 0, null],
    ['s1', 3, 'NOT_FOUND'],
    ['s2', 1, null],
    ['s3', 3, 'INTERNAL'],
    ['s4', 0, null],
  ]);
  assert.deepEqual(lines[1]?.error?.hints, ['look again']);
});

test('runBatch: output that cannot be written ends the run with that error, without hanging', async () => {
  let verified = 0;
  await assert.rejects(
    runBatch(subjects(200), {
      jobs: 4,
      verify: (s) => {
        verified++;
        return Promise.resolve(fakeReport(s.name, 'pass'));
      },
      emit: (o) => {
        if (o.subject === 's3') throw new Error('EPIPE');
      },
    }),
    /EPIPE/,
  );
  assert.ok(verified < 200, `${verified} subjects verified after the output broke`);
});

test('runBatch: no subjects, no work', async () => {
  let called = 0;
  await runBatch([], { jobs: 4, verify: () => Promise.reject(new Error('never')), emit: () => void called++ });
  assert.equal(called, 0);
});
