/**
 * Test harness for images: a real OCI registry (Debian's docker-registry, distribution 2.8) on
 * 127.0.0.1 with a random free port and a temporary storage folder, stopped by its PID when the
 * test ends; helpers that build images in memory, write OCI layouts, push blobs/manifests/tags
 * with fetch, and copy layouts with skopeo.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as netConnect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

const INSTALL_HINT = 'apt-get install docker-registry skopeo umoci';

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).status === 0;
}

/**
 * Options for `test(name, needsRegistry(), fn)`: skips with the install hint when docker-registry or
 * skopeo is missing; under CI=true a missing registry is a failure, not a skip.
 */
export function needsRegistry(): { skip?: string } {
  const missing = ['docker-registry', 'skopeo'].filter((p) => !onPath(p));
  if (missing.length === 0) return {};
  const message = `${missing.join(' and ')} not installed; run: ${INSTALL_HINT}`;
  if (process.env['CI'] === 'true') throw new Error(`${message} (required under CI)`);
  return { skip: message };
}

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:40123 */
  readonly host: string;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts docker-registry on loopback and waits until GET /v2/ answers. */
export async function startRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-registry-'));
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log: { level: error, fields: { service: registry } }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
    `http: { addr: 127.0.0.1:${port} }`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200) return { host, url: `http://${host}`, pid: child.pid ?? -1, stop };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  await stop();
  throw new Error(`docker-registry did not start on ${host}: ${stderr.slice(-500)}`);
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Uploads a blob (POST then PUT with ?digest=), as the distribution spec describes. */
export async function pushBlob(reg: TestRegistry, repo: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', reg.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
  return digest;
}

export async function pushManifest(reg: TestRegistry, repo: string, ref: string, bytes: Uint8Array, mediaType: string): Promise<string> {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': mediaType } });
  if (res.status !== 201) throw new Error(`manifest ${ref}: HTTP ${res.status} ${await res.text()}`);
  return sha256(bytes);
}

/**
 * Pushes a whole OCI layout (every blob, every manifest by digest, every index.json entry by its
 * ref.name annotation or digest), cosign tags and referrers included, which skopeo does not copy.
 */
export async function pushLayoutDir(reg: TestRegistry, dir: string, repo: string): Promise<void> {
  const blob = (d: string): Buffer => readFileSync(join(dir, 'blobs', 'sha256', d.slice(7)));
  type Desc = { mediaType: string; digest: string };
  const pushed = new Set<string>();
  const putBlob = async (d: string): Promise<void> => {
    if (pushed.has(d)) return;
    pushed.add(d);
    await pushBlob(reg, repo, blob(d));
  };
  const putManifest = async (desc: Desc, ref: string): Promise<void> => {
    const doc = JSON.parse(blob(desc.digest).toString()) as { manifests?: Desc[]; config?: Desc; layers?: Desc[] };
    for (const child of doc.manifests ?? []) await putManifest(child, child.digest);
    for (const b of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) await putBlob(b.digest);
    await pushManifest(reg, repo, ref, blob(desc.digest), desc.mediaType);
  };
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: (Desc & { annotations?: Record<string, string> })[] };
  for (const m of index.manifests) await putManifest(m, m.annotations?.['org.opencontainers.image.ref.name'] ?? m.digest);
}

/** skopeo copy between transports (oci:<dir>:<tag>, docker://host/repo:tag), plain HTTP to loopback. */
export function skopeoCopy(src: string, dest: string, extra: readonly string[] = []): void {
  const r = spawnSync('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', ...extra, src, dest], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`skopeo copy ${src} ${dest} failed: ${r.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// Building images in memory

export interface FileSpec {
  readonly path: string;
  readonly content?: string | Buffer;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  readonly linkname?: string;
  readonly mode?: number;
}

export type Compression = 'gzip' | 'zstd' | 'none';

/** An uncompressed tar of the given entries, in order. */
export async function tarOf(files: readonly FileSpec[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const f of files) {
    const type = f.type ?? 'file';
    const body = type === 'file' ? Buffer.from(f.content ?? '') : undefined;
    await new Promise<void>((resolve, reject) => {
      const header = { name: f.path, type, mode: f.mode ?? (type === 'directory' ? 0o755 : 0o644), ...(f.linkname !== undefined ? { linkname: f.linkname } : {}) };
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body) p.entry(header, body, cb);
      else p.entry(header, cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A valid zstd frame made of raw (stored) blocks: decodable by any zstd decoder, no encoder needed. */
export function zstdStored(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from([0x00, 0x58])]; // magic; no checksum, window 2^(10+11)
  const max = 128 * 1024 - 1;
  if (data.length === 0) parts.push(Buffer.from([0x01, 0x00, 0x00]));
  for (let off = 0; off < data.length; off += max) {
    const chunk = data.subarray(off, off + max);
    const last = off + max >= data.length ? 1 : 0;
    const header = (chunk.length << 3) | last; // block type 0 = raw
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), chunk);
  }
  return Buffer.concat(parts);
}

const LAYER_TYPES: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export interface BuiltBlob {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface BuiltImage {
  readonly manifest: BuiltBlob;
  readonly config: BuiltBlob;
  readonly layers: readonly BuiltBlob[];
}

export async function buildImage(layers: readonly { files: readonly FileSpec[]; compression?: Compression }[], platform = { os: 'linux', architecture: 'amd64' }): Promise<BuiltImage> {
  const built: BuiltBlob[] = [];
  const diffIds: string[] = [];
  for (const l of layers) {
    const tar = await tarOf(l.files);
    diffIds.push(sha256(tar));
    const c = l.compression ?? 'gzip';
    const bytes = c === 'gzip' ? gzipSync(tar) : c === 'zstd' ? zstdStored(tar) : tar;
    built.push({ bytes, digest: sha256(bytes), mediaType: LAYER_TYPES[c] });
  }
  const config = Buffer.from(JSON.stringify({ ...platform, config: {}, rootfs: { type: 'layers', diff_ids: diffIds } }));
  const configBlob = { bytes: config, digest: sha256(config), mediaType: 'application/vnd.oci.image.config.v1+json' };
  return { manifest: manifestOf(configBlob, built), config: configBlob, layers: built };
}

export function manifestOf(config: BuiltBlob, layers: readonly BuiltBlob[], extra: Record<string, unknown> = {}): BuiltBlob {
  const doc = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length, ...(l.annotations && { annotations: l.annotations }) })),
    ...extra,
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, digest: sha256(bytes), mediaType: doc.mediaType };
}

export function indexOf(entries: readonly { blob: BuiltBlob; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }[]): BuiltBlob {
  const doc = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: entries.map((e) => ({ mediaType: e.blob.mediaType, digest: e.blob.digest, size: e.blob.bytes.length, ...(e.platform && { platform: e.platform }), ...(e.annotations && { annotations: e.annotations }) })),
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, digest: sha256(bytes), mediaType: doc.mediaType };
}

/** Writes an OCI image layout: the blobs, and index.json with the given top-level entries. */
export function writeLayout(dir: string, blobs: readonly BuiltBlob[], entries: readonly { blob: BuiltBlob; annotations?: Record<string, string> }[]): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const b of blobs) writeFileSync(join(dir, 'blobs', 'sha256', b.digest.slice(7)), b.bytes);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: entries.map((e) => ({ mediaType: e.blob.mediaType, digest: e.blob.digest, size: e.blob.bytes.length, ...(e.annotations && { annotations: e.annotations }) })),
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
}

export function blobsOf(image: BuiltImage): BuiltBlob[] {
  return [image.manifest, image.config, ...image.layers];
}

/** Pushes an image's blobs and manifest, tagged. */
export async function pushImage(reg: TestRegistry, repo: string, tag: string, image: BuiltImage): Promise<string> {
  for (const b of [image.config, ...image.layers]) await pushBlob(reg, repo, b.bytes);
  return pushManifest(reg, repo, tag, image.manifest.bytes, image.manifest.mediaType);
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A blob descriptor for a signature-carrying layer (payload + annotations). */
export function blobOf(bytes: Buffer | string, mediaType: string, annotations?: Record<string, string>): BuiltBlob {
  const b = Buffer.from(bytes);
  return { bytes: b, digest: sha256(b), mediaType, ...(annotations && { annotations }) };
}

/** A cosign-style signature/attestation manifest: a tiny config and one layer per signature. */
export function attachmentManifest(layers: readonly BuiltBlob[], extra: Record<string, unknown> = {}): { manifest: BuiltBlob; config: BuiltBlob } {
  const config = blobOf(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }), 'application/vnd.oci.image.config.v1+json');
  return { manifest: manifestOf(config, layers, extra), config };
}

/** Pushes a signature manifest under a tag (cosign's sha256-<hex>.sig/.att) with its blobs. */
export async function pushAttachment(reg: TestRegistry, repo: string, tag: string, layers: readonly BuiltBlob[], extra: Record<string, unknown> = {}): Promise<string> {
  const { manifest, config } = attachmentManifest(layers, extra);
  for (const b of [config, ...layers]) await pushBlob(reg, repo, b.bytes);
  return pushManifest(reg, repo, tag, manifest.bytes, manifest.mediaType);
}

// ---------------------------------------------------------------------------------------------
// A loopback proxy in front of a registry, for fault injection (wrong bytes, 429, cut connections).

export interface TestProxy {
  readonly host: string;
  readonly url: string;
  /** Requests seen, "METHOD path" (with any Authorization header noted). */
  readonly seen: string[];
  close(): Promise<void>;
}

/** Returns true when it answered the request itself; otherwise the request goes to the registry. */
export type Intercept = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export async function startProxy(upstream: string, intercept: Intercept = () => false): Promise<TestProxy> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}${req.headers.authorization ? ` [${req.headers.authorization.split(' ')[0]}]` : ''}`);
    void (async () => {
      if (await intercept(req, res)) return;
      const target = new URL(req.url ?? '/', upstream);
      const headers = { ...req.headers, host: target.host };
      const out = httpRequest(target, { method: req.method ?? 'GET', headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    })();
  });
  // Forward proxies tunnel with CONNECT (undici does so for every target, as squid-style proxies
  // expect); the tunnel is recorded, not its content.
  const tunnels = new Set<Socket>();
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ''}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstreamSocket = netConnect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstreamSocket.write(head);
      upstreamSocket.pipe(client);
      client.pipe(upstreamSocket);
    });
    for (const s of [client, upstreamSocket]) {
      tunnels.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => tunnels.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const t of tunnels) t.destroy();
        server.close(() => resolve());
      }),
  };
}
