/**
 * Scenario 4 of the apk benchmark: `vouch apk --repository DIR --all` over a generated repository
 * of 2,000 signed packages (default --jobs), against `apk verify` over the same files (apk is
 * single-threaded; the target is wall time <= 1.5x with peak RSS flat in the count), then the same
 * run twice with `--cache DIR` (the second, cached run >= 20x faster than the first). Skipped
 * with a message while the CLI does not accept `--all`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { APK_TOOLS, apkVerify } from './apk-tools.js';
import { writeRepository } from './generate.js';
import type { Signer } from './generate.js';
import { printTable, ratio } from './table.js';

const COUNT = Number(process.env['BENCH_BATCH_COUNT'] ?? 2000);
const GNU_TIME = '/usr/bin/time';

interface Run {
  readonly wall: number;
  /** Peak RSS in MiB, when GNU time is there to measure it. */
  readonly rssMiB: number | undefined;
  readonly status: number | null;
}

function timed(argv: readonly string[]): Run {
  const withTime = existsSync(GNU_TIME);
  const cmd = withTime ? [GNU_TIME, '-f', 'maxrss=%M', ...argv] : [...argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0] as string, cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = /maxrss=(\d+)/.exec(r.stderr ?? '')?.[1];
  return { wall, rssMiB: rss === undefined ? undefined : Number(rss) / 1024, status: r.status };
}

export async function runBatchScenario(work: string, signer: Signer, vouch: string): Promise<void> {
  const help = spawnSync(process.execPath, [vouch, 'apk', '--help'], { encoding: 'utf8' }).stdout;
  if (!/--all\b/.test(help)) {
    console.log('skipped: this vouch does not accept `apk --repository DIR --all` yet (many subjects per run); the row runs once it does');
    return;
  }
  const small = await writeRepository(join(work, 'repo-small'), COUNT / 4, signer);
  const repo = await writeRepository(join(work, 'repo'), COUNT, signer);
  const files = readdirSync(join(repo, 'x86_64')).filter((f) => f.endsWith('.apk')).map((f) => join(repo, 'x86_64', f));
  const args = (dir: string): string[] => [process.execPath, vouch, 'apk', '--repository', dir, '--all', '--arch', 'x86_64', '--apk-key', signer.keyPath, '--format', 'jsonl'];
  const quarter = timed(args(small));
  const v = timed(args(repo));
  const cache = join(work, 'cache');
  mkdirSync(cache, { recursive: true });
  const first = timed([...args(repo), '--cache', cache]);
  const second = timed([...args(repo), '--cache', cache]);
  const a = APK_TOOLS ? apkVerify(files, signer.keysDir) : undefined;
  const rss = (r: Run): string => (r.rssMiB === undefined ? 'n/a' : r.rssMiB.toFixed(0));
  const rows = [['run', 'wall s', 'peak RSS MiB', 'exit', 'ratio']];
  rows.push([`vouch --all (${COUNT / 4} packages)`, quarter.wall.toFixed(2), rss(quarter), String(quarter.status), '']);
  rows.push([`vouch --all (${COUNT} packages)`, v.wall.toFixed(2), rss(v), String(v.status), a ? `${ratio(v.wall, a.wall)} of apk verify` : '']);
  if (a) rows.push([`apk verify (one process, ${COUNT} packages)`, a.wall.toFixed(2), 'n/a', String(a.status), '1.00x']);
  rows.push(['vouch --all --cache, first run', first.wall.toFixed(2), rss(first), String(first.status), '']);
  rows.push(['vouch --all --cache, second run', second.wall.toFixed(2), rss(second), String(second.status), `${ratio(first.wall, second.wall)} faster`]);
  printTable(rows);
}
