import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guardedSink, NO_PROGRESS, startProgress } from './progress.js';
import type { ProgressEvent } from './progress.js';

test('progress: without a sink nothing is allocated; with one, one event object per piece of work, updated in place', () => {
  assert.equal(startProgress(undefined, 'layer', 'layer x', 10), NO_PROGRESS);
  const seen: ProgressEvent[] = [];
  const task = startProgress((e) => seen.push(e), 'layer', 'layer x', 10);
  task.bytes(4);
  task.entry();
  task.bytes(6);
  task.end();
  task.end();
  assert.equal(seen.length, 5, 'start, two byte counts, one entry, one end (a second end is ignored)');
  assert.ok(seen.every((e) => e === seen[0]), 'the same object every time');
  assert.deepEqual({ ...seen[0] }, { kind: 'layer', id: seen[0]?.id, label: 'layer x', done: true, bytes: 10, totalBytes: 10, entries: 1 });
  const other = startProgress((e) => seen.push(e), 'download', 'https://example.test/x');
  assert.notEqual(seen.at(-1)?.id, seen[0]?.id, 'each piece of work has its own id');
  other.end();
  assert.deepEqual({ ...seen.at(-1) }, { kind: 'download', id: seen.at(-1)?.id, label: 'https://example.test/x', done: true, bytes: 0, totalBytes: undefined });
});

test('progress: a sink that throws is logged once and not called again', () => {
  const warnings: string[] = [];
  let calls = 0;
  const sink = guardedSink(() => {
    calls++;
    throw new Error('drawing failed');
  }, (m) => warnings.push(m));
  const task = startProgress(sink, 'file', 'a.apk', 3);
  task.bytes(1);
  task.bytes(2);
  task.end();
  assert.equal(calls, 1);
  assert.deepEqual(warnings, ['the progress callback threw (drawing failed); progress is no longer reported']);
  assert.equal(guardedSink(undefined, () => undefined), undefined);
});
