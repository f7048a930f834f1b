/**
 * apk throughput (bulk verification), every scenario against the floor measured in the same run
 * (bench/apk/floor.ts: read, gunzip every member, tar walk, SHA-256 of the compressed bytes, SHA-1
 * of each file) and, when APK_TOOLS names an apk binary, against `apk verify`:
 *  1. the real packages in one started process, the list repeated until start-up is amortized;
 *  2. one CLI run per real package, next to `node -e 0` and `vouch --version`;
 *  3. 100 MB generated packages: ordinary, incompressible, extremely compressible files;
 *  4. a repository of 2,000 generated packages with `--repository DIR --all` (and a second,
 *     cached run), once the CLI accepts it.
 * CPU is user + system time of every thread (in process) or of the child processes.
 * BENCH_APK_SCENARIOS=1,3 runs only those; BENCH_REPEAT sets the repetitions of scenario 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApkKeyring } from '../dist/trust/apk/index.js';
import { APK_TOOLS, apkVerify, apkVerifyArgv } from './apk/apk-tools.js';
import { runBatchScenario } from './apk/batch.js';
import { childCpu, childCpuAll, compare, ownCpu } from './apk/cpu.js';
import type { Cpu } from './apk/cpu.js';
import { floorOfFile } from './apk/floor.js';
import { makeSigner, writeBigApk } from './apk/generate.js';
import type { Content } from './apk/generate.js';
import { realPackages } from './apk/real.js';
import type { RealSet } from './apk/real.js';
import { ms, printTable, ratio } from './apk/table.js';
import { vouchOne } from './apk/vouch.js';

const VOUCH = join(import.meta.dirname, '..', 'bin', 'run.js');
const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 40);
const ONLY = process.env['BENCH_APK_SCENARIOS']?.split(',');
const wanted = (n: number): boolean => ONLY === undefined || ONLY.includes(String(n));

async function each(paths: readonly string[], run: (p: string) => Promise<unknown>): Promise<Cpu> {
  return ownCpu(async () => {
    for (const p of paths) await run(p);
  });
}

async function inProcess(real: RealSet): Promise<void> {
  const keyring = await loadApkKeyring({ keys: [], keyrings: [real.keysDir] });
  const list = Array.from({ length: REPEAT }, () => real.packages).flat();
  const n = list.length;
  console.log(`\n### 1. real packages in one process (${real.packages.length} packages, ${(real.bytes / 1024).toFixed(0)} KiB, list x${REPEAT} = ${n})`);
  await each(real.packages, (p) => vouchOne(p, keyring)); // warm-up: modules loaded, code compiled
  const [v, f] = (await compare([() => each(list, (p) => vouchOne(p, keyring)), () => each(list, floorOfFile)], 3)) as [Cpu, Cpu];
  const a = APK_TOOLS ? apkVerify(list, real.keysDir) : undefined;
  const vsApk = (c: Cpu): string => (a ? ratio(c.cpu, a.cpu) : 'n/a');
  const rows = [['contender', 'CPU ms/pkg', 'wall ms/pkg', 'vs floor', 'vs apk verify']];
  rows.push(['floor (node zlib + tar walk + hashes)', ms(f.cpu / n), ms(f.wall / n), '1.00x', vsApk(f)]);
  rows.push(['vouch (evidence + default policy + JSON report)', ms(v.cpu / n), ms(v.wall / n), ratio(v.cpu, f.cpu), vsApk(v)]);
  if (a) rows.push([`apk verify (one process, exit ${a.status})`, ms(a.cpu / n), ms(a.wall / n), ratio(a.cpu, f.cpu), '1.00x']);
  printTable(rows);
}

function cliRuns(real: RealSet): void {
  const k = real.packages.length;
  console.log(`\n### 2. one CLI run per package (${k} runs each; CPU per run)`);
  const node = childCpu([process.execPath, '-e', '0'], k).cpu;
  const version = childCpu([process.execPath, VOUCH, '--version'], k).cpu;
  const cli = childCpuAll(real.packages.map((p) => [process.execPath, VOUCH, 'apk', p, '--keyring', real.keysDir, '--format', 'json'])).cpu;
  const apk = APK_TOOLS ? childCpuAll(real.packages.map((p) => apkVerifyArgv([p], real.keysDir))).cpu : 0;
  const vsApk = (c: number): string => (APK_TOOLS ? ratio(c, apk) : 'n/a');
  const rows = [['process', 'CPU ms/run', 'vs node -e 0', 'vs apk verify']];
  rows.push(['node -e 0', ms(node / k), '1.00x', vsApk(node)]);
  rows.push(['vouch --version', ms(version / k), ratio(version, node), vsApk(version)]);
  rows.push(['vouch apk FILE --keyring DIR --format json', ms(cli / k), ratio(cli, node), vsApk(cli)]);
  if (APK_TOOLS) rows.push(['apk verify FILE', ms(apk / k), ratio(apk, node), '1.00x']);
  printTable(rows);
}

async function bigPackages(work: string): Promise<void> {
  console.log('\n### 3. 100 MB generated packages (one package per run; medians of 3)');
  const signer = makeSigner(work);
  const keyring = await loadApkKeyring({ keys: [signer.keyPath], keyrings: [] });
  const rows = [['content', 'MB (gz)', 'floor CPU s', 'vouch CPU s', 'vouch / floor', 'apk verify CPU s', 'vouch / apk', 'vouch MB/s']];
  for (const content of ['ordinary', 'incompressible', 'compressible'] as Content[]) {
    const path = join(work, `big-${content}-1.0-r0.apk`);
    const size = await writeBigApk(path, content, 100 * 1000 * 1000, signer);
    const [f, v] = (await compare([() => ownCpu(() => floorOfFile(path)), () => ownCpu(() => vouchOne(path, keyring))], 3)) as [Cpu, Cpu];
    const a = APK_TOOLS ? medianOf3(() => apkVerify([path], signer.keysDir)) : undefined;
    rows.push([content, (size / 1e6).toFixed(1), f.cpu.toFixed(3), v.cpu.toFixed(3), ratio(v.cpu, f.cpu), a?.cpu.toFixed(3) ?? 'n/a', a ? ratio(v.cpu, a.cpu) : 'n/a', (100 / v.wall).toFixed(0)]);
    rmSync(path);
  }
  printTable(rows);
}

function medianOf3(run: () => Cpu): Cpu {
  return [run(), run(), run()].sort((x, y) => x.cpu - y.cpu)[1] as Cpu;
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'vouch-bench-apk-'));
  try {
    console.log(APK_TOOLS ? `apk-tools: ${APK_TOOLS}` : 'APK_TOOLS is not set: no apk verify rows (see docs/performance.md)');
    const real = wanted(1) || wanted(2) ? await realPackages(work) : undefined;
    if (real === undefined && (wanted(1) || wanted(2))) console.log('\n../shared/realdata is absent: scenarios 1 and 2 skipped');
    if (real && wanted(1)) await inProcess(real);
    if (real && wanted(2)) cliRuns(real);
    if (wanted(3)) await bigPackages(work);
    if (wanted(4)) {
      console.log('\n### 4. a repository of 2,000 packages, --repository DIR --all');
      await runBatchScenario(work, makeSigner(join(work, 'batch')), VOUCH);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
