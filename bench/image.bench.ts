/**
 * `npm run bench -- image`: `vouch image` on a large synthetic image (>= 500 MB uncompressed,
 * thousands of files) in a local registry, next to the floor measured in the same run: fetching
 * the same blobs from the same registry, gunzip, and SHA-256 of every file (tar-stream, three
 * layers at a time like vouch). Both run as child processes; peak RSS is the child's maxRSS.
 * Needs docker-registry (apt-get install docker-registry skopeo umoci) and a built CLI (npm run build).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { needsRegistry, pushManifest, startRegistry, tempDir } from '../dist/testing/registry.js';
import type { TestRegistry } from '../src/testing/registry.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAYERS = 4;
const FILES_PER_LAYER = 2000;
const FILE_BYTES = 64 * 1024;
const RUNS = 3;

interface Layer {
  readonly path: string;
  readonly digest: string;
  readonly size: number;
  readonly diffId: string;
}

/** One gzip layer written to disk while hashing both forms: half random, half repetitive files. */
async function buildLayer(dir: string, n: number): Promise<Layer> {
  const path = join(dir, `layer${n}.tar.gz`);
  const tar = pack();
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  const gz = createGzip({ level: 1 });
  tar.on('data', (c: unknown) => diff.update(c as Buffer));
  gz.on('data', (c: Buffer) => blob.update(c));
  const written = pipeline(tar as unknown as Readable, gz, createWriteStream(path));
  const filler = Buffer.alloc(FILE_BYTES / 2, n + 1);
  for (let i = 0; i < FILES_PER_LAYER; i++) {
    const content = Buffer.concat([randomBytes(FILE_BYTES / 2), filler]);
    await new Promise<void>((resolve, reject) => tar.entry({ name: `usr/share/bench/l${n}/d${i % 50}/f${i}.bin`, size: content.length }, content, (e) => (e ? reject(e) : resolve())));
  }
  tar.finalize();
  await written;
  return { path, digest: `sha256:${blob.digest('hex')}`, size: statSync(path).size, diffId: `sha256:${diff.digest('hex')}` };
}

async function pushFile(reg: TestRegistry, repo: string, path: string, digest: string): Promise<void> {
  const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(start.headers.get('location') ?? '', reg.url);
  location.searchParams.set('digest', digest);
  const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
  const put = await fetch(location, { method: 'PUT', body, duplex: 'half', headers: { 'content-type': 'application/octet-stream', 'content-length': String(statSync(path).size) } } as RequestInit);
  if (put.status !== 201) throw new Error(`push ${digest}: HTTP ${put.status}`);
}

const FLOOR = `
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
const { extract } = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('tar-stream');
const [base, ...digests] = process.argv.slice(2);
let files = 0;
async function one(d) {
  const res = await fetch(base + '/blobs/' + d);
  const ex = extract();
  Readable.fromWeb(res.body).pipe(createGunzip()).pipe(ex);
  for await (const e of ex) { const h = createHash('sha256'); for await (const c of e) h.update(c); h.digest('hex'); files++; }
}
const queue = [...digests];
await Promise.all([0, 1, 2].map(async () => { while (queue.length) await one(queue.shift()); }));
process.stderr.write('files ' + files + '\\n');
`;

const RSS_PRELOAD = `process.on('exit', () => require('node:fs').writeSync(2, '\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'));`;

async function timed(args: string[]): Promise<{ ms: number; rssMb: number; out: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ms = performance.now() - t0;
  const rss = /MAXRSS (\d+)/.exec(err);
  if (code !== 0 && code !== 1) throw new Error(`${args.join(' ')} exited ${code}: ${err.slice(-800)}`);
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN, out };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function run(): Promise<void> {
  const skip = needsRegistry();
  if (skip.skip) {
    console.log(`skipped: ${skip.skip}`);
    return;
  }
  const tmp = tempDir('vouch-bench-image-');
  const reg = await startRegistry();
  try {
    const t0 = performance.now();
    const layers: Layer[] = [];
    for (let n = 0; n < LAYERS; n++) layers.push(await buildLayer(tmp.dir, n));
    const repo = 'bench/big';
    for (const l of layers) await pushFile(reg, repo, l.path, l.digest);
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const configFile = join(tmp.dir, 'config.json');
    writeFileSync(configFile, config);
    await pushFile(reg, repo, configFile, configDigest);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
    }));
    await pushManifest(reg, repo, 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    const uncompressed = LAYERS * FILES_PER_LAYER * FILE_BYTES;
    const compressed = layers.reduce((a, l) => a + l.size, 0);
    console.log(`built and pushed in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${LAYERS} layers, ${LAYERS * FILES_PER_LAYER} files, ${(uncompressed / 2 ** 20).toFixed(0)} MiB uncompressed, ${(compressed / 2 ** 20).toFixed(0)} MiB gzip`);

    const floorFile = join(tmp.dir, 'floor.mjs');
    writeFileSync(floorFile, FLOOR);
    const preload = join(tmp.dir, 'rss.cjs');
    writeFileSync(preload, RSS_PRELOAD);
    const floor: { ms: number; rssMb: number }[] = [];
    const vouch: { ms: number; rssMb: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      floor.push(await timed(['-r', preload, floorFile, `${reg.url}/v2/${repo}`, ...layers.map((l) => l.digest)]));
      const v = await timed(['-r', preload, 'bin/run.js', 'image', `${reg.host}/${repo}:v1`, '--format', 'json']);
      const files = (JSON.parse(v.out) as { evidence?: { inventory?: { fileCount?: number } } }).evidence?.inventory?.fileCount;
      if (files === undefined || files < LAYERS * FILES_PER_LAYER) throw new Error(`vouch image read ${files} files`);
      vouch.push(v);
    }
    const f = median(floor.map((r) => r.ms));
    const v = median(vouch.map((r) => r.ms));
    console.log('\n| step | median s | peak RSS MiB | note |');
    console.log('| --- | ---: | ---: | --- |');
    console.log(`| floor: fetch + gunzip + sha256 per file | ${(f / 1000).toFixed(2)} | ${median(floor.map((r) => r.rssMb)).toFixed(0)} | ${RUNS} runs, 3 layers at a time |`);
    console.log(`| vouch image (CLI, --format json) | ${(v / 1000).toFixed(2)} | ${median(vouch.map((r) => r.rssMb)).toFixed(0)} | blob digests, sha256+sha1 per file, discovery, policy |`);
    console.log(`| ratio vouch / floor | ${(v / f).toFixed(2)} |  | target <= 1.5, RSS < 300 MiB |`);
  } finally {
    await reg.stop();
    tmp.remove();
  }
}
