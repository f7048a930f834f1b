import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { sampleManifest, SAMPLE_KEYS, samplePath } from '../testing/sample.js';
import type { SampleImage } from '../testing/sample.js';

/**
 * The sample image, its signatures, attestations and referrers pushed to a real registry
 * (Debian's docker-registry, distribution 2.8, on 127.0.0.1 and a free port, storage in a
 * temporary folder, stopped by PID), then verified by tag and by digest for each platform; every
 * tampered twin must fail. Skipped with an install hint where docker-registry is missing, except
 * under CI, where that is a failure.
 */
const manifest = sampleManifest();
const hasRegistry = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).status === 0;
const skip = hasRegistry ? undefined : 'docker-registry is not installed (apt-get install docker-registry); registry end-to-end tests skipped';
if (!hasRegistry && process.env['CI'] === 'true') throw new Error('docker-registry is required under CI (.ci/run installs it)');

let registry: ChildProcess | undefined;
let storage = '';
let host = '';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`registry at ${url} did not come up`);
}

/** Pushes an OCI layout (every blob, every manifest by digest, every tag) to <host>/<repo>. */
async function pushLayout(layoutDir: string, repo: string): Promise<void> {
  const dir = samplePath(layoutDir);
  const blob = (d: string) => readFileSync(join(dir, 'blobs', 'sha256', d.slice(7)));
  const api = `http://${host}/v2/${repo}`;
  const pushed = new Set<string>();
  const putBlob = async (d: string) => {
    if (pushed.has(d)) return;
    pushed.add(d);
    const start = await fetch(`${api}/blobs/uploads/`, { method: 'POST' });
    assert.equal(start.status, 202);
    const loc = new URL(start.headers.get('location') ?? '', api);
    loc.searchParams.set('digest', d);
    const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(blob(d)), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(put.status, 201, `blob ${d}`);
  };
  type Desc = { mediaType: string; digest: string };
  const putManifest = async (desc: Desc, ref: string) => {
    const doc = JSON.parse(blob(desc.digest).toString()) as { manifests?: Desc[]; config?: Desc; layers?: Desc[] };
    for (const child of doc.manifests ?? []) await putManifest(child, child.digest);
    for (const b of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) await putBlob(b.digest);
    const r = await fetch(`${api}/manifests/${ref}`, { method: 'PUT', body: new Uint8Array(blob(desc.digest)), headers: { 'content-type': desc.mediaType } });
    assert.equal(r.status, 201, `manifest ${ref}: ${await r.text()}`);
  };
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: (Desc & { annotations: Record<string, string> })[] };
  for (const m of index.manifests) await putManifest(m, m.annotations['org.opencontainers.image.ref.name'] ?? m.digest);
}

before(async () => {
  if (skip) return;
  storage = mkdtempSync(join(tmpdir(), 'vouch-registry-'));
  host = `127.0.0.1:${await freePort()}`;
  const config = join(storage, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${join(storage, 'data')} }, delete: { enabled: true } }\nhttp: { addr: ${host} }\n`);
  registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  await waitUp(`http://${host}/v2/`);
  await pushLayout(manifest.image.layout, 'sample/hello');
  for (const t of manifest.twins) if (t.image) await pushLayout(t.image.layout, `sample/${t.name}`);
});

after(() => {
  if (registry?.pid) process.kill(registry.pid, 'SIGTERM');
  if (storage) rmSync(storage, { recursive: true, force: true });
});

const trust = ['--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot, '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri, '--format', 'json'];

function notImplemented(t: { skip: (m: string) => void }, r: CliResult): boolean {
  if (r.code === 3 && r.stderr.includes('NOT_IMPLEMENTED')) {
    t.skip('vouch image is NOT_IMPLEMENTED in this build');
    return true;
  }
  return false;
}

const refs = (repo: string, image: SampleImage) =>
  Object.entries(image.platforms).flatMap(([platform, digest]) => [
    { platform, ref: `${host}/${repo}:${image.tag}` },
    { platform, ref: `${host}/${repo}@${digest}` },
    { platform, ref: `${host}/${repo}@${image.index}` },
  ]);

test('registry: the sample image passes by tag and by digest, for each platform', { skip }, async (t) => {
  for (const { platform, ref } of refs('sample/hello', manifest.image)) {
    const r = await runCli(['image', ref, '--platform', platform, ...trust]);
    if (notImplemented(t, r)) return;
    assert.equal(r.code, 0, `${ref} (${platform}): ${r.stderr}\n${r.stdout.slice(0, 3000)}`);
  }
});

test('registry: every tampered twin fails and the report names what is wrong', { skip }, async (t) => {
  for (const twin of manifest.twins.filter((x) => x.image)) {
    const image = twin.image as SampleImage;
    for (const platform of Object.keys(image.platforms)) {
      const r = await runCli(['image', `${host}/sample/${twin.name}:${image.tag}`, '--platform', platform, ...trust]);
      if (notImplemented(t, r)) return;
      assert.equal(r.code, 1, `${twin.name} (${platform}): ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { verdict: string; evidence: unknown };
      assert.equal(report.verdict, 'fail');
      const text = JSON.stringify(report.evidence).toLowerCase();
      for (const m of twin.mentions) assert.ok(text.includes(m.toLowerCase()), `${twin.name}: the evidence mentions ${m}`);
    }
  }
});

test('registry: a stopped registry is "could not check", never a pass', { skip }, async (t) => {
  const r = await runCli(['image', `127.0.0.1:${await freePort()}/sample/hello:latest`, '--platform', 'linux/amd64', ...trust]);
  if (notImplemented(t, r)) return;
  assert.equal(r.code, 3, r.stderr);
});
