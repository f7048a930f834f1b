import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isVouchError } from '../errors.js';
import { lineOf, parseLine, serializeLine } from './line.js';
import { readResultLines } from './merge.js';
import type { SubjectOutcome } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'vouch-batch-line-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const report = (verdict: 'pass' | 'fail') => ({ schemaVersion: 'vouch.dev/report/v1', verdict, subject: { kind: 'apk', reference: 'a.apk', digest: 'sha256:ab' }, summary: { rules: 1, passed: 0, failed: verdict === 'fail' ? 1 : 0, warnings: 0, waived: 0, notApplicable: 0 }, results: [], policies: [], notices: [], evidence: {} });
const passing = { kind: 'report', subject: 'a.apk', subjectKind: 'apk', cached: false, report: report('pass') } as unknown as SubjectOutcome;
const failing = { kind: 'report', subject: 'b.apk', subjectKind: 'apk', cached: true, report: report('fail') } as unknown as SubjectOutcome;
const unchecked: SubjectOutcome = { kind: 'error', subject: 'c\n.apk', subjectKind: 'apk', error: { code: 'NOT_FOUND', message: 'absent\nreally', hints: [], details: { a: 1 } } };

const malformed = (f: () => unknown) => assert.throws(f, (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED');

test('batch line: one line per outcome, never a raw newline inside, read back exactly', () => {
  for (const o of [passing, failing, unchecked]) {
    const text = serializeLine(lineOf(o));
    assert.equal(text.indexOf('\n'), text.length - 1);
    assert.deepEqual(parseLine(text, 'x'), lineOf(o));
  }
  assert.deepEqual([passing, failing, unchecked].map((o) => lineOf(o).exitCode), [0, 1, 3]);
});

test('batch line: a line whose parts contradict each other is refused, never counted in its favour', () => {
  const good = lineOf(failing) as unknown as Record<string, unknown>;
  const variants: Record<string, unknown>[] = [
    { ...good, exitCode: 0 },
    { ...good, verdict: 'pass', exitCode: 0 },
    { ...good, exitCode: 2 },
    { ...good, digest: 'sha256:other' },
    { ...good, report: null },
    { ...good, error: { code: 'X', message: 'y' } },
    { ...good, schema: 'vouch.dev/batch-line/v0' },
    { ...good, kind: 'deb' },
    { ...good, subject: '' },
    { ...lineOf(unchecked), exitCode: 0 },
    { ...lineOf(unchecked), report: report('pass') },
    { ...lineOf(unchecked), error: null },
  ];
  for (const v of variants) malformed(() => parseLine(JSON.stringify(v), 'x'));
  for (const text of ['', 'null', '[]', '"x"', '{', '{"schema":"vouch.dev/batch-line/v1"}']) malformed(() => parseLine(text, 'x'));
});

test('batch line (hostile): random bytes and mutated lines never read as a pass', () => {
  const base = serializeLine(lineOf(failing));
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(base);
    for (let k = 0; k < 1 + (i % 5); k++) bytes[Math.floor(Math.random() * bytes.length)] = randomBytes(1)[0] ?? 0;
    const text = i % 10 === 0 ? randomBytes(200).toString('latin1') : bytes.toString('utf8');
    try {
      const line = parseLine(text, 'x');
      assert.notEqual(line.exitCode, 0, `a mutated fail line read as a pass: ${text}`);
    } catch (err) {
      assert.ok(isVouchError(err) && err.code === 'INPUT_MALFORMED', String(err));
    }
  }
});

test('readResultLines: lines across chunk boundaries, blank lines skipped, a missing final newline is fine', async () => {
  const file = join(dir, 'results.jsonl');
  const lines = [passing, failing, unchecked].map((o) => serializeLine(lineOf(o)));
  writeFileSync(file, `${lines[0]}\n\n${'x'.repeat(0)}${lines[1]}${(lines[2] ?? '').trimEnd()}`);
  const read = [];
  for await (const l of readResultLines(file, 1 << 20)) read.push(l.subject);
  assert.deepEqual(read, ['a.apk', 'b.apk', 'c\n.apk']);
});

test('readResultLines (hostile): an endless line stops at the cap, a bad line names its file and number', async () => {
  const big = join(dir, 'big.jsonl');
  writeFileSync(big, Buffer.alloc(8 * 1024 * 1024, 0x61));
  await assert.rejects(
    (async () => {
      for await (const l of readResultLines(big, 1024 * 1024)) void l;
    })(),
    (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED' && /1048576/.test(e.message),
  );
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, `${serializeLine(lineOf(passing))}{"schema":"other"}\n`);
  await assert.rejects(
    (async () => {
      for await (const l of readResultLines(bad, 1 << 20)) void l;
    })(),
    (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED' && e.message.includes('bad.jsonl:2'),
  );
});
