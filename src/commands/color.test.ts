import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';

/**
 * The text report is coloured only when stdout is a terminal and NO_COLOR is not set
 * (https://no-color.org). runCli always sets NO_COLOR, so these tests spawn bin/run.js themselves,
 * with an environment that has neither NO_COLOR nor FORCE_COLOR, on a pipe and on a
 * pseudo-terminal made by util-linux `script`.
 */
const RUN_JS = join(PROJECT_ROOT, 'bin', 'run.js');
const ARGS = ['policy', 'eval', '--evidence', 'testdata/evidence/fail-bad-signature.json', '--policy', 'default'];
const ESC = /\u001b/;
const ANSI_SGR = /\u001b\[[0-9;]*m/;
const TIMEOUT_MS = 30_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The test process's environment without NO_COLOR and FORCE_COLOR, plus `extra`. */
function envWithout(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NO_COLOR'];
  delete env['FORCE_COLOR'];
  Object.assign(env, extra);
  assert.equal('FORCE_COLOR' in env, false);
  assert.equal('NO_COLOR' in env, 'NO_COLOR' in extra);
  return env;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return runProcess(command, args, { env, timeoutMs: TIMEOUT_MS, noStdin: true });
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Whether util-linux `script` (which takes -q -e -c) is on PATH. */
const hasScript = ((): boolean => {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /util-linux/.test(`${r.stdout}${r.stderr}`);
})();
const PTY_SKIP = hasScript ? {} : { skip: 'util-linux `script` is not installed (Debian: bsdutils); pseudo-terminal cases skipped' };

/** Runs node with `args` on a pseudo-terminal: `script -qec <cmd> /dev/null` (exit code passed through). */
async function onPty(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const cmd = [process.execPath, ...args].map(shellQuote).join(' ');
  const r = await run('script', ['-qec', cmd, '/dev/null'], { ...env, SHELL: '/bin/sh' });
  return { ...r, stdout: r.stdout.replace(/\r\n/g, '\n') };
}

/** What the child process sees: whether stdout is a terminal, and the two colour variables. */
const PROBE = ['-e', 'process.stdout.write(JSON.stringify({ tty: Boolean(process.stdout.isTTY), NO_COLOR: process.env.NO_COLOR ?? null, FORCE_COLOR: process.env.FORCE_COLOR ?? null }))'];
const probe = (r: Run): unknown => JSON.parse(r.stdout) as unknown;

const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

function assertFailReport(r: Run): void {
  assert.equal(r.code, 1, r.stderr);
  assert.match(stripAnsi(r.stdout), /\nVERDICT: FAIL\n$/);
  assert.match(stripAnsi(r.stdout), /artifact\.bundle\.signature/);
}

describe('text report colour', () => {
  test('stdout a pipe, NO_COLOR unset: no escape codes', { timeout: TIMEOUT_MS }, async () => {
    const env = envWithout();
    assert.deepEqual(probe(await run(process.execPath, PROBE, env)), { tty: false, NO_COLOR: null, FORCE_COLOR: null });
    const r = await run(process.execPath, [RUN_JS, ...ARGS], env);
    assertFailReport(r);
    assert.doesNotMatch(r.stdout, ESC);
    assert.doesNotMatch(r.stderr, ESC);
  });

  test('stdout a terminal, NO_COLOR unset: coloured', { ...PTY_SKIP, timeout: TIMEOUT_MS }, async () => {
    const env = envWithout();
    assert.deepEqual(probe(await onPty(PROBE, env)), { tty: true, NO_COLOR: null, FORCE_COLOR: null });
    const r = await onPty([RUN_JS, ...ARGS], env);
    assertFailReport(r);
    assert.match(r.stdout, ANSI_SGR);
  });

  test('stdout a terminal, NO_COLOR=1: no escape codes', { ...PTY_SKIP, timeout: TIMEOUT_MS }, async () => {
    const env = envWithout({ NO_COLOR: '1' });
    assert.deepEqual(probe(await onPty(PROBE, env)), { tty: true, NO_COLOR: '1', FORCE_COLOR: null });
    const r = await onPty([RUN_JS, ...ARGS], env);
    assertFailReport(r);
    assert.doesNotMatch(r.stdout, ESC);
  });
});
