import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startProgress } from '../progress.js';
import { progressLine, REDRAW_MS } from './progress-line.js';
import type { ProgressLineOptions } from './progress-line.js';

/** A fake stderr and a clock the test moves by hand: nothing here depends on real time. */
function fake(isTTY: boolean, columns = 120) {
  const written: string[] = [];
  let now = 1_000;
  return {
    written,
    tick: (ms: number) => (now += ms),
    options: (extra: Partial<ProgressLineOptions> = {}): ProgressLineOptions => ({
      quiet: false,
      reportOnStderr: false,
      stream: { isTTY, columns, write: (s: string) => written.push(s) },
      env: { TERM: 'xterm-256color' },
      clock: () => now,
      ...extra,
    }),
  };
}

const WIPE = '\r\u001b[K';
const draws = (written: readonly string[]) => written.filter((s) => s !== WIPE);

test('progress line: drawn at once, redrawn at most every 100 ms (what, bytes of total, entries, rate), wiped when the work is done', () => {
  const f = fake(true);
  const line = progressLine(f.options());
  const layer = startProgress(line.sink, 'layer', `layer sha256:${'ab'.repeat(32)}`, 4 * 1024 * 1024);
  assert.equal(draws(f.written).length, 1, 'the first event draws');
  f.tick(50);
  layer.bytes(1024 * 1024);
  layer.entry();
  layer.entry();
  assert.equal(draws(f.written).length, 1, 'within 100 ms nothing is redrawn');
  f.tick(REDRAW_MS);
  layer.bytes(1024 * 1024);
  const last = draws(f.written).at(-1) ?? '';
  assert.ok(last.startsWith('\r') && last.endsWith('\u001b[K'), 'redrawn in place');
  // The digest is shortened; bytes in the total's unit; 2 MiB in 0.15 s.
  assert.match(last, /^\rreading layer sha256:abababababab {2}2\.0\/4\.0 MiB {2}2 entries {2}13\.3 MiB\/s\u001b\[K$/);
  layer.end();
  assert.equal(f.written.at(-1), WIPE, 'wiped when the last piece of work is done');
  line.stop();
  assert.equal(f.written.filter((s) => s === WIPE).length, 1, 'stop after a wipe writes nothing more');
});

test('progress line: concurrent pieces are summed under the oldest one\'s label; a download without a total shows bytes only', () => {
  const f = fake(true);
  const line = progressLine(f.options());
  const a = startProgress(line.sink, 'layer', 'layer a', 100);
  const b = startProgress(line.sink, 'layer', 'layer b', 300);
  f.tick(REDRAW_MS);
  a.bytes(50);
  assert.match(draws(f.written).at(-1) ?? '', /^\rreading layer a \(\+1 more\) {2}50\/400 B {2}0 entries {2}500 B\/s\u001b\[K$/);
  a.end();
  b.end();
  const d = startProgress(line.sink, 'download', 'https://packages.example/x86_64/APKINDEX.tar.gz');
  d.bytes(2048);
  f.tick(REDRAW_MS);
  d.bytes(2048);
  assert.match(draws(f.written).at(-1) ?? '', /^\rdownloading https:\/\/packages\.example\/x86_64\/APKINDEX\.tar\.gz {2}4\.0 KiB {2}40\.0 KiB\/s\u001b\[K$/);
});

test('progress line: fitted to the terminal width, keeping the end of a long path; control characters never reach the terminal', () => {
  const f = fake(true, 60);
  const line = progressLine(f.options());
  startProgress(line.sink, 'file', `/very/long/${'directory/'.repeat(20)}hello\u001b]0;owned\u0007-2.12-r0.apk`, 10 * 1024 * 1024);
  const drawn = (draws(f.written).at(-1) ?? '').slice(1, -'\u001b[K'.length);
  assert.ok(drawn.length <= 59, `at most the width - 1: ${drawn.length}`);
  assert.match(drawn, /^reading ….*-2\.12-r0\.apk {2}0\.0\/10\.0 MiB$/);
  assert.doesNotMatch(drawn, /[\u0000-\u001f]/);
});

test('progress line: a log message wipes it first and the next event draws it again; after stop nothing is drawn', () => {
  const f = fake(true);
  const line = progressLine(f.options());
  const task = startProgress(line.sink, 'tree', './rootfs');
  line.clear();
  assert.equal(f.written.at(-1), WIPE);
  task.entry();
  assert.match(f.written.at(-1) ?? '', /^\rreading \.\/rootfs {2}0 B {2}1 entries/);
  line.stop();
  const count = f.written.length;
  task.entry();
  task.end();
  assert.equal(f.written.length, count);
});

test('progress line: nothing at all off a terminal, with --quiet, with TERM=dumb, or when the report goes to stderr', () => {
  const cases: [string, ReturnType<typeof fake>, Partial<ProgressLineOptions>][] = [
    ['not a terminal', fake(false), {}],
    ['--quiet', fake(true), { quiet: true }],
    ['TERM=dumb', fake(true), { env: { TERM: 'dumb' } }],
    ['report on stderr', fake(true), { reportOnStderr: true }],
  ];
  for (const [why, f, extra] of cases) {
    const line = progressLine(f.options(extra));
    assert.equal(line.sink, undefined, `${why}: no sink, so the library reports nothing`);
    const task = startProgress(line.sink, 'layer', 'layer x', 10);
    task.bytes(10);
    task.end();
    line.clear();
    line.stop();
    assert.deepEqual(f.written, [], why);
  }
});
