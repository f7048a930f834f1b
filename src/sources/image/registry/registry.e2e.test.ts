import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { noopLogger } from '../../../context.js';
import { isVouchError } from '../../../errors.js';
import { readImageFilesystem } from '../../../inventory/image-inventory.js';
import {
  blobOf,
  blobsOf,
  buildImage,
  indexOf,
  needsRegistry,
  pushAttachment,
  pushImage,
  pushManifest,
  skopeoCopy,
  startProxy,
  startRegistry,
  tempDir,
  writeLayout,
} from '../../../testing/registry.js';
import type { BuiltImage, Intercept, TestRegistry } from '../../../testing/registry.js';
import { readCapped } from '../digest.js';
import { discoverAttachments } from '../discover.js';
import { resolveImage } from '../open.js';
import { parsePlatform } from '../platform.js';
import { RegistryCore, isLoopbackHost } from './core.js';
import type { Credentials } from './credentials.js';
import { RegistryHttp } from './http.js';

const ctx = { now: new Date(0), log: noopLogger };
const LIMITS = { maxDecompressedBytes: 1 << 30, maxEntries: 100_000, maxRatio: 1000, maxDocumentBytes: 1 << 22 };
const AMD64 = parsePlatform('linux/amd64');
const FAST = { retries: 2, baseDelayMs: 5, maxDelayMs: 3000, totalDelayMs: 10_000 };
const skip = needsRegistry();

let reg: TestRegistry;
let image: BuiltImage;

before(async () => {
  if (skip.skip) return;
  reg = await startRegistry();
  image = await buildImage([{ files: [{ path: 'etc/os-release', content: 'ID=wolfi\n' }, { path: 'usr/bin/hello', content: 'hello\n' }] }]);
});

after(async () => {
  await reg?.stop();
});

function core(host: string, repository: string, ref: { tag?: string; digest?: `sha256:${string}` }, creds?: Credentials): RegistryCore {
  return new RegistryCore({ registry: host, repository, ...ref }, new RegistryHttp(noopLogger, FAST), creds, false, LIMITS.maxDocumentBytes, noopLogger);
}

async function pull(c: RegistryCore): Promise<Map<string, string | undefined>> {
  try {
    const img = await resolveImage(c, AMD64);
    const fs = await readImageFilesystem(c, img.manifest.config, img.manifest.layers, LIMITS, ctx);
    return new Map([...fs.table.files.values()].map((f) => [f.path, f.sha256]));
  } finally {
    await c.close();
  }
}

test('registry: an image pushed with skopeo resolves by tag and by digest', skip, async () => {
  const tmp = tempDir('vouch-e2e-');
  try {
    writeLayout(tmp.dir, blobsOf(image), [{ blob: image.manifest, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }]);
    skopeoCopy(`oci:${tmp.dir}:v1`, `docker://${reg.host}/demo/app:v1`);
  } finally {
    tmp.remove();
  }
  const byTag = core(reg.host, 'demo/app', { tag: 'v1' });
  const root = await byTag.root();
  const files = await pull(byTag);
  assert.deepEqual([...files.keys()].sort(), ['etc/os-release', 'usr/bin/hello']);
  const byDigest = await pull(core(reg.host, 'demo/app', { digest: root.digest }));
  assert.deepEqual(byDigest, files);
  await assert.rejects(core(reg.host, 'demo/app', { tag: 'missing' }).root(), (e: unknown) => isVouchError(e) && e.code === 'NOT_FOUND');
});

test('registry: a multi-arch index resolves to the wanted platform; discovery looks at both digests', skip, async () => {
  const arm = await buildImage([{ files: [{ path: 'arch', content: 'arm64' }] }], { os: 'linux', architecture: 'arm64' });
  await pushImage(reg, 'demo/multi', 'amd64-only', image);
  await pushImage(reg, 'demo/multi', 'arm64-only', arm);
  const index = indexOf([{ blob: image.manifest, platform: { os: 'linux', architecture: 'amd64' } }, { blob: arm.manifest, platform: { os: 'linux', architecture: 'arm64' } }]);
  await pushManifest(reg, 'demo/multi', 'latest', index.bytes, index.mediaType);
  // A cosign signature on the index, an attestation on the platform manifest.
  const sig = blobOf('{"critical":{}}', 'application/vnd.dev.cosign.simplesigning.v1+json', { 'dev.cosignproject.cosign/signature': 'AAAA' });
  await pushAttachment(reg, 'demo/multi', `sha256-${index.digest.slice(7)}.sig`, [sig]);
  const att = blobOf('{"payloadType":"x","payload":"","signatures":[]}', 'application/vnd.dsse.envelope.v1+json', { predicateType: 'https://slsa.dev/provenance/v1' });
  await pushAttachment(reg, 'demo/multi', `sha256-${arm.manifest.digest.slice(7)}.att`, [att]);
  const c = core(reg.host, 'demo/multi', { tag: 'latest' });
  try {
    const img = await resolveImage(c, parsePlatform('linux/arm64'));
    assert.equal(img.digest, arm.manifest.digest);
    assert.equal(img.index?.digest, index.digest);
    const found = await discoverAttachments(c, [{ digest: index.digest as `sha256:${string}`, indexEntries: img.index?.manifests ?? [] }, { digest: img.digest }], LIMITS.maxDocumentBytes, noopLogger);
    assert.deepEqual(found.attachments.map((a) => [a.kind, a.attachedTo]).sort(), [['cosign-signature', index.digest], ['dsse-attestation', arm.manifest.digest]].sort());
    const none = found.lookups.filter((l) => l.outcome === 'none').map((l) => `${l.target === index.digest ? 'index' : 'image'} ${l.method}`).sort();
    assert.deepEqual(none, ['image cosign-tag:sbom', 'image cosign-tag:sig', 'image referrers-tag', 'index cosign-tag:att', 'index cosign-tag:sbom', 'index referrers-tag']);
  } finally {
    await c.close();
  }
});

test('registry: referrers tag fallback finds a Sigstore bundle artifact (distribution 2.8 has no referrers API)', skip, async () => {
  const digest = await pushImage(reg, 'demo/ref', 'v1', image);
  const bundle = blobOf('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}', 'application/vnd.dev.sigstore.bundle.v0.3+json');
  const subject = { mediaType: image.manifest.mediaType, digest, size: image.manifest.bytes.length };
  const artifact = await pushAttachment(reg, 'demo/ref', 'bundle-artifact', [bundle], { artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', subject });
  const list = indexOf([{ blob: { bytes: Buffer.alloc(0), digest: artifact, mediaType: 'application/vnd.oci.image.manifest.v1+json' } }]);
  // The size of the listed manifest must be right: fetch it back to know it.
  const res = await fetch(`${reg.url}/v2/demo/ref/manifests/${artifact}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  const size = (await res.arrayBuffer()).byteLength;
  const fixed = JSON.parse(list.bytes.toString('utf8')) as { manifests: { size: number }[] };
  (fixed.manifests[0] as { size: number }).size = size;
  await pushManifest(reg, 'demo/ref', `sha256-${digest.slice(7)}`, Buffer.from(JSON.stringify(fixed)), 'application/vnd.oci.image.index.v1+json');
  const c = core(reg.host, 'demo/ref', { tag: 'v1' });
  try {
    const found = await discoverAttachments(c, [{ digest: digest as `sha256:${string}` }], LIMITS.maxDocumentBytes, noopLogger);
    assert.deepEqual(found.attachments.map((a) => a.kind), ['sigstore-bundle']);
    assert.ok(found.lookups.some((l) => l.method === 'referrers-tag' && l.outcome === 'found'));
  } finally {
    await c.close();
  }
});

async function viaProxy(intercept: Intercept, run: (host: string) => Promise<void>): Promise<string[]> {
  const proxy = await startProxy(reg.url, intercept);
  try {
    await run(proxy.host);
  } finally {
    await proxy.close();
  }
  return proxy.seen;
}

test('registry fault: a blob served with other bytes fails with DIGEST_MISMATCH, never a pass', skip, async () => {
  await pushImage(reg, 'demo/fault', 'v1', image);
  const layer = image.layers[0]?.digest ?? '';
  await viaProxy(
    (req, res) => {
      if (!req.url?.endsWith(`/blobs/${layer}`)) return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(image.layers[0]?.bytes.length ?? 0, 0x1f));
      return true;
    },
    async (host) => {
      await assert.rejects(pull(core(host, 'demo/fault', { tag: 'v1' })), (e: unknown) => isVouchError(e) && e.code === 'DIGEST_MISMATCH');
    },
  );
});

test('registry fault: 429 with Retry-After is retried, then the pull succeeds', skip, async () => {
  await pushImage(reg, 'demo/fault', 'v1', image);
  let refused = 0;
  const seen = await viaProxy(
    (req, res) => {
      if (!req.url?.includes('/manifests/v1') || refused >= 2) return false;
      refused++;
      res.writeHead(429, { 'retry-after': '1' });
      res.end('slow down');
      return true;
    },
    async (host) => {
      const files = await pull(core(host, 'demo/fault', { tag: 'v1' }));
      assert.ok(files.has('usr/bin/hello'));
    },
  );
  assert.equal(seen.filter((s) => s.includes('/manifests/v1')).length, 3);
});

test('registry fault: a registry that keeps failing gives a clear NETWORK error after bounded retries', skip, async () => {
  const seen = await viaProxy(
    (_req, res) => {
      res.writeHead(503);
      res.end();
      return true;
    },
    async (host) => {
      await assert.rejects(core(host, 'demo/fault', { tag: 'v1' }).root(), (e: unknown) => isVouchError(e) && e.code === 'NETWORK' && /503/.test(e.message));
    },
  );
  assert.equal(seen.length, 1 + FAST.retries);
  // A Retry-After longer than vouch will wait fails at once instead of hanging.
  await viaProxy(
    (_req, res) => {
      res.writeHead(429, { 'retry-after': '3600' });
      res.end();
      return true;
    },
    async (host) => {
      await assert.rejects(core(host, 'demo/fault', { tag: 'v1' }).root(), (e: unknown) => isVouchError(e) && e.code === 'NETWORK' && /wait 3600 s/.test(e.message));
    },
  );
});

test('registry fault: a connection cut mid-blob fails; a stopped registry fails with NETWORK and leaves nothing running', skip, async () => {
  await pushImage(reg, 'demo/fault', 'v1', image);
  const layer = image.layers[0];
  await viaProxy(
    (req, res) => {
      if (!layer || !req.url?.endsWith(`/blobs/${layer.digest}`)) return false;
      res.writeHead(200, { 'content-length': String(layer.bytes.length) });
      res.write(layer.bytes.subarray(0, layer.bytes.length >> 1));
      setImmediate(() => res.socket?.destroy());
      return true;
    },
    async (host) => {
      await assert.rejects(pull(core(host, 'demo/fault', { tag: 'v1' })), (e: unknown) => isVouchError(e));
    },
  );
  const second = await startRegistry();
  await pushImage(second, 'demo/stop', 'v1', image);
  const c = core(second.host, 'demo/stop', { tag: 'v1' });
  const img = await resolveImage(c, AMD64);
  await second.stop();
  assert.throws(() => process.kill(second.pid, 0));
  await assert.rejects(
    (async () => readCapped(await c.blob(img.manifest.config), 1 << 20, 'config'))(),
    (e: unknown) => isVouchError(e) && e.code === 'NETWORK',
  );
  await c.close();
});

test('registry: a 404 signature tag is "nothing there"; a failing lookup throws', skip, async () => {
  const digest = await pushImage(reg, 'demo/lookup', 'v1', image);
  const c = core(reg.host, 'demo/lookup', { tag: 'v1' });
  const found = await discoverAttachments(c, [{ digest: digest as `sha256:${string}` }], LIMITS.maxDocumentBytes, noopLogger);
  await c.close();
  assert.equal(found.attachments.length, 0);
  assert.ok(found.lookups.every((l) => l.outcome === 'none'));
  await viaProxy(
    (req, res) => {
      if (!req.url?.includes('.sig')) return false;
      res.writeHead(500);
      res.end();
      return true;
    },
    async (host) => {
      const p = core(host, 'demo/lookup', { tag: 'v1' });
      await assert.rejects(discoverAttachments(p, [{ digest: digest as `sha256:${string}` }], LIMITS.maxDocumentBytes, noopLogger), (e: unknown) => isVouchError(e) && e.code === 'NETWORK');
      await p.close();
    },
  );
});

test('registry: anonymous and credentialed bearer tokens; the token never follows a redirect to blob storage', skip, async () => {
  await pushImage(reg, 'demo/auth', 'v1', image);
  const storage = await startProxy(reg.url);
  const layer = image.layers[0]?.digest ?? '';
  let tokenAuth: string | undefined;
  const seen = await viaProxy(
    (req, res) => {
      const self = `http://${req.headers.host ?? ''}`;
      if (req.url?.startsWith('/token')) {
        tokenAuth = req.headers.authorization;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: 'T0KEN' }));
        return true;
      }
      if (req.headers.authorization !== 'Bearer T0KEN') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${self}/token",service="test",scope="repository:demo/auth:pull"` });
        res.end();
        return true;
      }
      if (req.url?.endsWith(`/blobs/${layer}`)) {
        res.writeHead(307, { location: `${storage.url}${req.url}?signature=secret` });
        res.end();
        return true;
      }
      return false;
    },
    async (host) => {
      assert.ok((await pull(core(host, 'demo/auth', { tag: 'v1' }))).has('usr/bin/hello'));
      assert.equal(tokenAuth, undefined);
      await pull(core(host, 'demo/auth', { tag: 'v1' }, { kind: 'basic', username: 'alice', password: 'pw' }));
      assert.equal(tokenAuth, `Basic ${Buffer.from('alice:pw').toString('base64')}`);
    },
  );
  await storage.close();
  assert.ok(seen.some((s) => s.includes('/manifests/v1 [Bearer]')));
  assert.ok(storage.seen.some((s) => s.includes(`/blobs/${layer}`)));
  assert.ok(storage.seen.every((s) => !s.includes('[')), 'no Authorization header reaches blob storage');
});

test('registry: an index entry whose type contradicts the manifest it names is refused (real registry)', skip, async () => {
  await pushImage(reg, 'demo/mediatype', 'v1', image);
  // The index calls the OCI image manifest a Docker one; distribution 2.8 stores both as given.
  const index = indexOf([{ blob: { ...image.manifest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' }, platform: { os: 'linux', architecture: 'amd64' } }]);
  await pushManifest(reg, 'demo/mediatype', 'liar', index.bytes, index.mediaType);
  const c = core(reg.host, 'demo/mediatype', { tag: 'liar' });
  try {
    await assert.rejects(resolveImage(c, AMD64), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED' && /contradict/.test(e.message));
  } finally {
    await c.close();
  }
  // A manifest pushed under another Content-Type than its own mediaType field.
  const docker = await pushManifest(reg, 'demo/mediatype', 'mislabelled', image.manifest.bytes, 'application/vnd.docker.distribution.manifest.v2+json').catch((e: Error) => e);
  if (typeof docker === 'string') {
    const m = core(reg.host, 'demo/mediatype', { tag: 'mislabelled' });
    try {
      await assert.rejects(resolveImage(m, AMD64), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED');
    } finally {
      await m.close();
    }
  }
});

test('registry: HTTP_PROXY is honoured, and NO_PROXY bypasses it', skip, async () => {
  await pushImage(reg, 'demo/proxy', 'v1', image);
  const proxy = await startProxy(reg.url);
  const saved = { HTTP_PROXY: process.env['HTTP_PROXY'], NO_PROXY: process.env['NO_PROXY'] };
  try {
    process.env['HTTP_PROXY'] = proxy.url;
    delete process.env['NO_PROXY'];
    assert.ok((await pull(core(reg.host, 'demo/proxy', { tag: 'v1' }))).has('usr/bin/hello'));
    const proxied = proxy.seen.length;
    // undici 7 tunnelled plain-HTTP requests with CONNECT; undici 8 sends them to the proxy in
    // absolute form. Either way every request of the pull went through the proxy.
    assert.ok(proxy.seen.some((s) => s === `CONNECT ${reg.host}` || s.startsWith(`GET http://${reg.host}/v2/demo/proxy/`)), proxy.seen.join('\n'));
    process.env['NO_PROXY'] = '127.0.0.1';
    await pull(core(reg.host, 'demo/proxy', { tag: 'v1' }));
    assert.equal(proxy.seen.length, proxied);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await proxy.close();
  }
});

test('registry: plain HTTP only for loopback hosts unless allowed', () => {
  for (const h of ['127.0.0.1:5000', 'localhost', 'localhost:80', '[::1]:5000', '127.1.2.3']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['registry.example.com', '10.0.0.1:5000', 'localhost.example.com', '128.0.0.1', '[::2]']) assert.ok(!isLoopbackHost(h), h);
});
