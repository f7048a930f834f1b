import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressBar } from './progress.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 120, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream };
}

test('progress: drawn on a terminal (done/total, failures, rate, ETA); nothing off a terminal, with --quiet or with TERM=dumb', () => {
  const tty = fakeStream(true);
  const bar = progressBar(3, { quiet: false, stream: tty.stream, env: {} });
  bar.done(0);
  bar.done(1);
  bar.done(3);
  bar.finish();
  const last = tty.written.filter((s) => s.startsWith('\r')).pop() ?? '';
  assert.match(last, /3\/3 +1 failed +1 could not check +[0-9.]+\/s +ETA/);
  assert.ok(tty.written.at(-1) === '\n');
  for (const [isTTY, quiet, env] of [[false, false, {}], [true, true, {}], [true, false, { TERM: 'dumb' }]] as const) {
    const s = fakeStream(isTTY);
    const b = progressBar(3, { quiet, stream: s.stream, env });
    b.done(0);
    b.finish();
    assert.deepEqual(s.written, []);
  }
});
