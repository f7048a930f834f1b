/**
 * `npm run bench -- vsa`: admission of a large image through its VSA against full verification of
 * the same image, in one run. The image is the one bench/image.bench.ts builds (4 gzip layers,
 * 8000 files of 64 KiB, 500 MiB uncompressed) in a local registry; a policy file that the image
 * passes (its layers verified) makes the CI run's VSA PASSED. Measured in-process through the
 * library (the work itself, no process start-up) and through the CLI (what a user waits for).
 * The floor of the VSA path is the registry round trips it needs, made with fetch: the manifest,
 * the cosign tags looked up, the referrers API probe, the .att manifest and its layer.
 * Needs docker-registry and a built CLI (npm run build).
 */
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { needsRegistry, pushManifest, startRegistry, tempDir } from '../dist/testing/registry.js';
import type { TestRegistry } from '../src/testing/registry.js';
import { toImageOptions } from '../dist/cli/options.js';
import { collectImageEvidence } from '../dist/pipeline/image.js';
import { evaluatePolicies } from '../dist/policy/evaluate.js';
import { parsePolicy } from '../dist/policy/parse.js';
import { admitImageWithVsa, loadTrustedKey, VOUCH_VERIFIER_ID } from '../dist/vsa/index.js';
import { noopLogger } from '../dist/context.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAYERS = 4;
const FILES_PER_LAYER = 2000;
const FILE_BYTES = 64 * 1024;
const RUNS = 5;

const POLICY = `apiVersion: vouch.dev/v1
kind: Policy
metadata:
  name: bench-layers
spec:
  rules:
    - name: layers-verified
      expression: checks.exists(c, c.id == "image.layers" && c.status == "pass")
      message: the layers were not verified
`;

async function buildLayer(dir: string, n: number): Promise<{ path: string; digest: string; size: number; diffId: string }> {
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

async function cli(args: string[]): Promise<{ ms: number; code: number | null; err: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/run.js', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { ms: performance.now() - t0, code, err };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number): string => x.toFixed(1);

export async function run(): Promise<void> {
  const skip = needsRegistry();
  if (skip.skip) {
    console.log(`skipped: ${skip.skip}`);
    return;
  }
  const tmp = tempDir('vouch-bench-vsa-');
  const reg = await startRegistry();
  try {
    const repo = 'bench/big';
    const layers = [];
    for (let n = 0; n < LAYERS; n++) layers.push(await buildLayer(tmp.dir, n));
    for (const l of layers) await pushFile(reg, repo, l.path, l.digest);
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    writeFileSync(join(tmp.dir, 'config.json'), config);
    await pushFile(reg, repo, join(tmp.dir, 'config.json'), configDigest);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
    }));
    const digest = await pushManifest(reg, repo, 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    const ref = `${reg.host}/${repo}:v1`;

    const policyFile = join(tmp.dir, 'bench-layers.yaml');
    writeFileSync(policyFile, POLICY);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = join(tmp.dir, 'ci.key');
    const pub = join(tmp.dir, 'ci.pub');
    writeFileSync(key, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const ci = await cli(['image', ref, '--policy', policyFile, '--vsa-key', key, '--vsa-output', join(tmp.dir, 'big.vsa.json'), '--vsa-attach']);
    if (ci.code !== 0) throw new Error(`the CI run did not pass: ${ci.err}`);

    const options = toImageOptions(ref, { platform: 'linux/amd64' });
    const policies = [parsePolicy(POLICY, policyFile)];
    const vsaOptions = { keys: [await loadTrustedKey(pub, '--vsa-public-key')], trustedVerifiers: [VOUCH_VERIFIER_ID], maxAgeMs: 3_600_000 };
    const ctx = () => ({ now: new Date(), log: noopLogger });

    const hex = digest.slice(7);
    const api = `${reg.url}/v2/${repo}`;
    const accept = { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' };
    const floorOnce = async (): Promise<number> => {
      const t0 = performance.now();
      for (const url of [`${api}/manifests/v1`, `${api}/manifests/sha256-${hex}.sig`, `${api}/manifests/sha256-${hex}.att`, `${api}/manifests/sha256-${hex}.sbom`, `${api}/referrers/${digest}`, `${api}/manifests/sha256-${hex}`]) {
        const res = await fetch(url, { headers: accept });
        const body = await res.text();
        if (url.endsWith('.att')) {
          const layer = (JSON.parse(body) as { layers: { digest: string }[] }).layers[0]?.digest ?? '';
          await (await fetch(`${api}/blobs/${layer}`)).arrayBuffer();
        }
      }
      return performance.now() - t0;
    };

    const full: number[] = [];
    const admit: number[] = [];
    const floor: number[] = [];
    const cliFull: number[] = [];
    const cliAdmit: number[] = [];
    await admitImageWithVsa(options, policies, vsaOptions, ctx()); // warm-up: module loading, connections
    for (let i = 0; i < RUNS; i++) {
      let t0 = performance.now();
      const evidence = await collectImageEvidence(options, ctx());
      const report = evaluatePolicies(policies, evidence, new Date());
      if (report.verdict !== 'pass') throw new Error('full verification did not pass');
      full.push(performance.now() - t0);
      t0 = performance.now();
      const out = await admitImageWithVsa(options, policies, vsaOptions, ctx());
      if (out.kind !== 'used') throw new Error(`the VSA was not used: ${out.vsa.reason}`);
      admit.push(performance.now() - t0);
      floor.push(await floorOnce());
    }
    for (let i = 0; i < 3; i++) {
      cliFull.push((await cli(['image', ref, '--policy', policyFile])).ms);
      const a = await cli(['image', ref, '--policy', policyFile, '--vsa-public-key', pub]);
      if (a.code !== 0) throw new Error(`CLI admission failed: ${a.err}`);
      cliAdmit.push(a.ms);
    }
    const f = median(full);
    const a = median(admit);
    const fl = median(floor);
    console.log(`image: ${LAYERS} layers, ${LAYERS * FILES_PER_LAYER} files, ${((LAYERS * FILES_PER_LAYER * FILE_BYTES) / 2 ** 20).toFixed(0)} MiB uncompressed; median of ${RUNS} in-process runs, 3 CLI runs`);
    console.log('\n| path | median ms | note |');
    console.log('| --- | ---: | --- |');
    console.log(`| full verification (library: collect + evaluate) | ${ms(f)} | every layer fetched, gunzipped, every file hashed |`);
    console.log(`| VSA admission (library: admitImageWithVsa) | ${ms(a)} | manifest, tag and referrers lookups, .att layer, signature, checks |`);
    console.log(`| floor: the same registry round trips with fetch | ${ms(fl)} | 6 requests + 1 blob |`);
    console.log(`| VSA admission on top of the round trips | ${ms(a - fl)} | target < 50 ms |`);
    console.log(`| speed-up full / VSA (library) | ${(f / a).toFixed(0)}x | target >= 50x |`);
    console.log(`| vouch image (CLI), full | ${ms(median(cliFull))} | process start included |`);
    console.log(`| vouch image --vsa-public-key (CLI) | ${ms(median(cliAdmit))} | process start included |`);
    console.log(`| speed-up full / VSA (CLI) | ${(median(cliFull) / median(cliAdmit)).toFixed(0)}x | |`);
  } finally {
    await reg.stop();
    tmp.remove();
  }
}
