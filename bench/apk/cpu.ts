/**
 * CPU time of child processes, measured by the POSIX shell's `times` (user and system time of
 * the shell's children), so that a process that is not node (apk-tools) is measured the same
 * way as the vouch CLI. In-process work is measured with process.cpuUsage(), which counts every
 * thread of the process (zlib's threadpool included).
 */
import { spawnSync } from 'node:child_process';

export interface Cpu {
  /** User + system seconds. */
  readonly cpu: number;
  readonly wall: number;
}

/** Runs `argv` `times` times in a row under one shell; returns the children's total CPU and the wall time. */
export function childCpu(argv: readonly string[], times = 1, env: NodeJS.ProcessEnv = process.env): Cpu & { readonly status: number | null; readonly stdout: string } {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // The command's own output goes to /dev/null; `times` prints the shell's, then its children's.
  const script = `i=0; while [ $i -lt ${times} ]; do ${quoted} >/dev/null 2>&1; s=$?; i=$((i+1)); done; times; exit $s`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', script], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const [user, sys] = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (user === undefined || sys === undefined) throw new Error(`cannot read CPU times from: ${r.stdout} ${r.stderr}`);
  return { cpu: user + sys, wall, status: r.status, stdout: r.stdout };
}

/** Total CPU of several commands run one after another under one shell (`times` counts in clock ticks, so short runs are summed there, not rounded one by one). */
export function childCpuAll(commands: readonly (readonly string[])[]): Cpu {
  const quote = (argv: readonly string[]): string => argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `${commands.map((c) => `${quote(c)} >/dev/null 2>&1`).join('; ')}; times`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const [user, sys] = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (user === undefined || sys === undefined) throw new Error(`cannot read CPU times from: ${r.stdout} ${r.stderr}`);
  return { cpu: user + sys, wall };
}

/** CPU and wall seconds of an in-process async run. */
export async function ownCpu(run: () => Promise<unknown>): Promise<Cpu> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await run();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Runs every contender in turn, round after round (load changes hit all alike); medians of CPU and wall. */
export async function compare(runs: readonly (() => Promise<Cpu>)[], rounds: number): Promise<Cpu[]> {
  const samples: Cpu[][] = runs.map(() => []);
  for (let i = 0; i < rounds; i++) for (const [k, run] of runs.entries()) samples[k]?.push(await run());
  return samples.map((xs) => ({ cpu: median(xs.map((x) => x.cpu)), wall: median(xs.map((x) => x.wall)) }));
}
