/**
 * apk verification throughput: vouch's one-pass reader (gzip member split, tar, SHA-1 per file,
 * SHA-256 of file and data segment, CRC-32, RSA) against the floor measured in the same run:
 * the same bytes read from memory, gunzipped and hashed (SHA-256 of the compressed bytes, SHA-1
 * of the decompressed bytes) in one pass with node's own zlib and crypto.
 *
 * Batches: the real packages under ../shared/realdata (when present) and synthetic packages
 * built in memory (many small files; a few large files), signed with a key made on the spot.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { noopLogger } from '../dist/context.js';
import { apkEvidenceFromStream } from '../dist/pipeline/apk.js';
import { DEFAULT_LIMITS } from '../dist/pipeline/options.js';
import { buildApk } from '../dist/sources/apk/build-apk.js';
import { readApk } from '../dist/sources/apk/read-apk.js';
import { writeWithBackpressure } from '../dist/sources/apk/stream-util.js';
import type { SyntheticEntry } from '../src/sources/apk/build-apk.js';
import { REALDATA } from '../dist/testing/realdata.js';
import type { ApkKeyring, ApkTrustedKey } from '../src/trust/apk/index.js';
import { loadApkKeyring, verifyApkSignatures } from '../dist/trust/apk/index.js';

const CHUNK = 64 * 1024;
const ctx = { now: new Date(0), log: noopLogger };
const options = { target: 'bench.apk', keys: [], keyrings: [], arch: 'x86_64', limits: DEFAULT_LIMITS };

function* chunks(buf: Buffer): Generator<Buffer> {
  for (let off = 0; off < buf.length; off += CHUNK) yield buf.subarray(off, off + CHUNK);
}

/** The floor: read + gunzip + SHA-256 (compressed) + SHA-1 (decompressed), one pass. */
async function floor(buf: Buffer): Promise<void> {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  const source = Readable.from(chunks(buf)).on('data', (c: Buffer) => sha256.update(c));
  await pipeline(source, createGunzip({ chunkSize: CHUNK }), new Writable({ write: (c: Buffer, _e, cb) => { sha1.update(c); cb(); } }));
  sha256.digest();
  sha1.digest();
}

async function vouch(buf: Buffer, keyring: ApkKeyring): Promise<void> {
  const e = await apkEvidenceFromStream(chunks(buf), 'bench.apk', options, keyring, ctx);
  if (e.checks.length === 0) throw new Error('no checks ran');
}

function findApks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return findApks(path);
    return e.name.endsWith('.apk') && statSync(path).size > 0 ? [path] : [];
  });
}

function findKeys(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return findKeys(path);
    return e.name.endsWith('.rsa.pub') && !e.name.startsWith('.SIGN') ? [path] : [];
  });
}

/** A package of `count` files of `size` bytes, half random (incompressible), half text-like. */
async function syntheticApk(count: number, size: number, signer: { privateKey: KeyObject }): Promise<Buffer> {
  const text = Buffer.from('lorem ipsum dolor sit amet, consectetur adipiscing elit; '.repeat(Math.ceil(size / 56))).subarray(0, size);
  const files: SyntheticEntry[] = Array.from({ length: count }, (_, i) => ({
    name: `usr/share/bench/${i}.bin`,
    content: i % 2 === 0 ? randomBytes(size) : Buffer.concat([text.subarray(0, size - 8), randomBytes(8)]),
  }));
  return buildApk({ files, signer: { privateKey: signer.privateKey, keyName: 'bench.rsa.pub' }, dataMembers: 4, gzipLevel: 1 });
}

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

/** Median wall and CPU seconds of `run`, after one warm-up. CPU time (all threads of the
 * process, zlib's threadpool included) is steadier than wall time on a shared machine. */
async function measure(run: () => Promise<void>): Promise<Sample> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await run();
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Runs every contender in turn, round after round, so that load changes hit all alike. */
async function compare(runs: readonly (() => Promise<void>)[], rounds: number): Promise<Sample[]> {
  for (const run of runs) await run();
  const samples: Sample[][] = runs.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (const [k, run] of runs.entries()) samples[k]?.push(await measure(run));
  }
  return samples.map((xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) }));
}

/** The apk format work alone: one pass over the package (readApk) and the signature check. */
async function reader(buf: Buffer, keyring: ApkKeyring): Promise<void> {
  const apk = await readApk(chunks(buf), DEFAULT_LIMITS);
  verifyApkSignatures(apk.signatures, (a) => createHash(a).update(apk.control.compressed).digest(), keyring);
}

/**
 * tar-stream alone, over bytes already decompressed: what parsing the package's tar streams costs
 * before vouch hashes or checks anything. Set against the floor it is the least any reader built
 * on tar-stream can add, which for packages of many small files is more than the 1.3x budget.
 * (The three tar streams of a package are concatenated without end-of-archive blocks but the
 * last, so one extractor reads them all, entries of signature and control segments included.)
 */
async function tarOnly(decompressed: Buffer): Promise<void> {
  const ex = tar.extract({ highWaterMark: 256 * 1024 });
  ex.on('entry', (_header, stream, next) => {
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  for (const chunk of chunks(decompressed)) await writeWithBackpressure(ex, chunk, () => undefined);
  ex.end(undefined);
  await done;
}

interface Batch {
  readonly name: string;
  readonly packages: readonly Buffer[];
  readonly rounds: number;
}

export async function run(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const benchKey: ApkTrustedKey = { name: 'bench.rsa.pub', path: 'bench.rsa.pub', key: publicKey, modulusBytes: 512, fingerprint: 'bench' };
  const realKeys = await loadApkKeyring({ keys: [...findKeys(REALDATA)].sort(), keyrings: [] });
  const keyring: ApkKeyring = { keys: [...realKeys.keys, benchKey], sources: [] };
  const batches: Batch[] = [];
  const real = findApks(REALDATA).sort().map((p) => readFileSync(p));
  if (real.length > 0) batches.push({ name: `real (${real.length} packages)`, packages: real, rounds: 15 });
  batches.push({ name: 'synthetic 2000 x 4 KiB', packages: [await syntheticApk(2000, 4096, { privateKey })], rounds: 7 });
  batches.push({ name: 'synthetic 64 x 1 MiB', packages: [await syntheticApk(64, 1024 * 1024, { privateKey })], rounds: 7 });
  batches.push({ name: 'synthetic 4 x 64 MiB', packages: [await syntheticApk(4, 64 * 1024 * 1024, { privateKey })], rounds: 3 });

  const rows: string[][] = [
    ['batch', 'MB (gz)', 'vouch pkg/s', 'vouch MB/s', 'floor pkg/s', 'floor MB/s', 'wall ratio', 'CPU ratio', 'reader CPU ratio', 'tar-stream alone CPU / floor', 'RSS growth'],
  ];
  for (const batch of batches) {
    const mb = batch.packages.reduce((n, b) => n + b.length, 0) / 1e6;
    // Decompressed before the RSS baseline, so that holding them does not count as growth.
    const decompressed = batch.packages.map((p) => gunzipSync(p));
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const [v, r, f, t] = (await compare(
      [
        async () => {
          for (const p of batch.packages) await vouch(p, keyring);
        },
        async () => {
          for (const p of batch.packages) await reader(p, keyring);
        },
        async () => {
          for (const p of batch.packages) await floor(p);
        },
        async () => {
          for (const d of decompressed) await tarOnly(d);
        },
      ],
      batch.rounds,
    )) as [Sample, Sample, Sample, Sample];
    clearInterval(sampler);
    const n = batch.packages.length;
    rows.push([
      batch.name,
      mb.toFixed(1),
      (n / v.wall).toFixed(1),
      (mb / v.wall).toFixed(1),
      (n / f.wall).toFixed(1),
      (mb / f.wall).toFixed(1),
      `${(v.wall / f.wall).toFixed(2)}x`,
      `${(v.cpu / f.cpu).toFixed(2)}x`,
      `${(r.cpu / f.cpu).toFixed(2)}x`,
      `${(t.cpu / f.cpu).toFixed(2)}`,
      `${((peak - rssBefore) / 1e6).toFixed(0)} MB`,
    ]);
  }
  console.log(`(input: ${CHUNK / 1024} KiB chunks from memory; ratios are vouch time / floor time, medians;`);
  console.log(' reader = the apk format work alone: readApk + signature, without SBOM reading and Evidence;');
  console.log(' tar-stream alone = its extractor over the same package already decompressed, every entry drained)');
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows) console.log(`| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`);
}
