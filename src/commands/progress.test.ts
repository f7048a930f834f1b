import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PROJECT_ROOT, runCli, runProcess } from '../testing/cli.js';
import { sampleManifest, samplePath } from '../testing/sample.js';

/**
 * The progress line under a real pseudo-terminal: util-linux `script` runs the CLI with its
 * stderr on a pty (stdout goes to a file, so the two are told apart), and the test reads what
 * the terminal received. Nothing here depends on timing: the first event of a read draws at once.
 */
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;
function needsScript(): { skip?: string } {
  if (hasScript) return {};
  if (process.env['CI'] === 'true') throw new Error('util-linux script is not installed (required under CI)');
  return { skip: 'util-linux script is not installed; the pseudo-terminal test is skipped' };
}

const TIMEOUT = { timeout: 120_000 };
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const reference = (): string => `oci:${samplePath('image')}:${sampleManifest().image.tag}`;

let work = '';
before(() => {
  work = mkdtempSync(join(tmpdir(), 'vouch-progress-cli-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs `vouch ARGS > out.json` with stderr on a pseudo-terminal; returns what the terminal showed and the report. */
async function underTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; terminal: string; report: string }> {
  const out = join(work, `out-${args.length}-${Object.keys(env).length}-${Math.random().toString(36).slice(2)}.json`);
  const command = [process.execPath, join(PROJECT_ROOT, 'bin', 'run.js'), ...args].map(quote).join(' ');
  const r = await runProcess('script', ['-qfec', `${command} > ${quote(out)}`, '/dev/null'], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? work, SHELL: '/bin/sh', TERM: 'xterm', NO_COLOR: '1', ...env },
    noStdin: true,
    timeoutMs: 100_000,
  });
  return { code: r.code, terminal: r.stdout, report: readFileSync(out, 'utf8') };
}

const ARGS = (): string[] => ['image', reference(), '--platform', 'linux/amd64', '--policy', 'sbom', '--format', 'json'];
const LINE = /\rreading layer sha256:[0-9a-f]{12} {2}[0-9.]+\/[0-9.]+ (B|KiB) {2}[0-9,]+ entries/;

test('vouch image on a terminal: a progress line on stderr (layer, bytes of total, entries), wiped at the end; the report on stdout untouched', { ...needsScript(), ...TIMEOUT }, async () => {
  const r = await underTerminal(ARGS());
  assert.equal(r.code, 0, r.terminal);
  assert.match(r.terminal, LINE);
  assert.ok(r.terminal.endsWith('\r\u001b[K'), `the line is wiped when the reads are over: ${JSON.stringify(r.terminal.slice(-80))}`);
  const report = JSON.parse(r.report) as { verdict: string };
  assert.equal(report.verdict, 'pass');
  assert.doesNotMatch(r.report, /[\r\u001b]/);
});

test('vouch image on a terminal: no progress with --quiet (-q) or TERM=dumb, nor when the report goes to stderr', { ...needsScript(), ...TIMEOUT }, async () => {
  for (const [args, env] of [[[...ARGS(), '--quiet'], {}], [[...ARGS(), '-q'], {}], [ARGS(), { TERM: 'dumb' }], [[...ARGS(), '--output', '/dev/stderr'], {}]] as const) {
    const r = await underTerminal(args, env);
    assert.equal(r.code, 0, r.terminal);
    assert.doesNotMatch(r.terminal, /reading layer|\u001b\[K/, `${args.join(' ')} ${JSON.stringify(env)}`);
  }
});

test('vouch image with stderr piped: no progress line, only the log lines --verbose asks for', TIMEOUT, async () => {
  const r = await runCli([...ARGS(), '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /reading layer sha256:|[\r\u001b]/);
});
