import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyApk, verifyImage } from '../index.js';
import type { ProgressEvent } from '../index.js';
import { resolveArtifactSubject } from '../pipeline/artifact-subject.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';
import { collectRootfsEvidence } from '../pipeline/rootfs.js';
import { noopLogger } from '../context.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { buildImage, needsRegistry, pushImage, startRegistry } from '../testing/registry.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';

/** The last state of every piece of work a run reported, copied (the library reuses one object per piece). */
function recorder() {
  const last = new Map<number, ProgressEvent>();
  let events = 0;
  return {
    onProgress: (e: ProgressEvent) => {
      events++;
      last.set(e.id, { ...e });
    },
    finished: () => [...last.values()],
    count: () => events,
  };
}

test('library: verifying the sample image reports every layer read, its bytes equal to the blob size, with its entries', async () => {
  const sample = sampleManifest();
  const rec = recorder();
  const report = await verifyImage({ reference: `oci:${samplePath('image')}:${sample.image.tag}`, platform: 'linux/amd64', policies: ['sbom'], onProgress: rec.onProgress });
  const layers = report.evidence.inventory?.layers ?? [];
  assert.ok(layers.length > 0);
  const read = rec.finished().filter((e) => e.kind === 'layer');
  assert.deepEqual(read.map((e) => e.label).sort(), layers.map((l) => `layer ${l.digest}`).sort());
  for (const layer of layers) {
    const e = read.find((r) => r.label === `layer ${layer.digest}`);
    assert.ok(e?.kind === 'layer' && e.done, `layer ${layer.digest} ended`);
    assert.equal(e.bytes, layer.size, 'the compressed bytes read are the blob');
    assert.equal(e.totalBytes, layer.size);
    assert.ok(e.entries >= layer.files, `${e.entries} entries seen, ${layer.files} kept`);
  }
  // Nothing but layers is long in a local layout: no other piece of work is reported.
  assert.deepEqual(rec.finished().filter((e) => e.kind !== 'layer'), []);
});

test('library: from a registry, a layer\'s download is its layer event (one, to the blob size); other blobs are downloads', { ...needsRegistry(), timeout: 120_000 }, async () => {
  const reg = await startRegistry();
  try {
    const files = Array.from({ length: 40 }, (_, i) => ({ path: `usr/share/demo/f${i}`, content: Buffer.alloc(4096 * (i + 1), i) }));
    const image = await buildImage([{ files: files.slice(0, 20) }, { files: files.slice(20), compression: 'zstd' }]);
    await pushImage(reg, 'demo/progress', 'v1', image);
    const rec = recorder();
    await verifyImage({ reference: `${reg.host}/demo/progress:v1`, policies: ['sbom'], platform: 'linux/amd64', onProgress: rec.onProgress });
    const finished = rec.finished();
    for (const layer of image.layers) {
      const events = finished.filter((e) => e.label.endsWith(layer.digest));
      assert.equal(events.length, 1, `one piece of work for ${layer.digest}`);
      const [e] = events;
      assert.ok(e?.kind === 'layer' && e.done);
      assert.equal(e.bytes, layer.bytes.length);
      assert.equal(e.totalBytes, layer.bytes.length);
      assert.equal(e.entries, 20);
    }
    const config = finished.find((e) => e.label === `${reg.host}/demo/progress blob ${image.config.digest}`);
    assert.ok(config?.kind === 'download' && config.done, 'the config blob is a download');
    assert.equal(config.bytes, image.config.bytes.length);
    assert.equal(config.totalBytes, image.config.bytes.length);
  } finally {
    await reg.stop();
  }
});

test('library: verifying real apks (a file; a name in its repository) reports the APKINDEX and the package, each to its file size', needsRealdata(), async () => {
  const repository = realdata('chainguard-dev-apko/internal/cli/testdata/packages');
  const tzdata = join(repository, 'x86_64', 'tzdata-2023c-r0.apk');
  const one = recorder();
  await verifyApk({ target: tzdata, arch: 'x86_64', keys: [realdata('chainguard-dev-apko/internal/cli/testdata/local-melange.rsa.pub')], onProgress: one.onProgress });
  assert.deepEqual(one.finished().map((e) => ({ ...e, id: 0 })), [{ kind: 'file', id: 0, label: tzdata, done: true, bytes: statSync(tzdata).size, totalBytes: statSync(tzdata).size }]);
  const rec = recorder();
  await verifyApk({ target: 'custom-ca-certs-1', repository, arch: 'x86_64', keys: [join(repository, 'melange.rsa.pub')], onProgress: rec.onProgress });
  const files = rec.finished();
  for (const name of ['APKINDEX.tar.gz', 'custom-ca-certs-1-1.0.0-r0.apk']) {
    const path = join(repository, 'x86_64', name);
    const e = files.find((f) => f.label === path);
    assert.ok(e?.kind === 'file' && e.done, `${name} was reported as a file read to its end`);
    assert.equal(e.bytes, statSync(path).size);
    assert.equal(e.totalBytes, statSync(path).size);
  }
  assert.equal(files.length, 2);
  assert.ok(rec.count() >= 6, 'a start, the bytes and an end for each');
});

test('library: a package by URL is a download, to the Content-Length', async () => {
  const body = readFileSync(samplePath('apk', 'x86_64', 'hello-2.12-r0.apk'));
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hello-2.12-r0.apk`;
    const rec = recorder();
    await verifyApk({ target: url, keys: [SAMPLE_KEYS.apk], arch: 'x86_64', onProgress: rec.onProgress });
    assert.deepEqual(rec.finished().map((e) => ({ ...e, id: 0 })), [{ kind: 'download', id: 0, label: url, done: true, bytes: body.length, totalBytes: body.length }]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('library: an artifact being hashed, and a root filesystem walked, report their bytes and entries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-progress-'));
  try {
    const artifact = join(dir, 'artifact.bin');
    writeFileSync(artifact, Buffer.alloc(3 * 1024 * 1024 + 5, 7));
    const rec = recorder();
    await resolveArtifactSubject(artifact, DEFAULT_LIMITS.maxDecompressedBytes, { progress: rec.onProgress });
    assert.deepEqual(rec.finished().map((e) => ({ ...e, id: 0 })), [{ kind: 'file', id: 0, label: artifact, done: true, bytes: 3 * 1024 * 1024 + 5, totalBytes: 3 * 1024 * 1024 + 5 }]);

    const root = join(dir, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'os-release'), 'ID=test\n');
    writeFileSync(join(root, 'etc', 'hostname'), 'box\n');
    const tree = recorder();
    await collectRootfsEvidence({ target: root, limits: DEFAULT_LIMITS }, { now: new Date(0), log: noopLogger, progress: tree.onProgress });
    assert.deepEqual(tree.finished().map((e) => ({ ...e, id: 0 })), [{ kind: 'tree', id: 0, label: root, done: true, bytes: 12, totalBytes: undefined, entries: 3 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('library: a root filesystem tar reports its file\'s bytes against its size', needsRealdata(), async () => {
  const tar = realdata('chainguard-dev-apko/internal/cli/testdata/golden/blobs/sha256/c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738');
  const rec = recorder();
  await collectRootfsEvidence({ target: tar, limits: DEFAULT_LIMITS }, { now: new Date(0), log: noopLogger, progress: rec.onProgress });
  const [e, ...rest] = rec.finished();
  assert.deepEqual(rest, []);
  assert.ok(e?.kind === 'tree' && e.done);
  assert.equal(e.bytes, statSync(tar).size);
  assert.equal(e.totalBytes, statSync(tar).size);
  assert.ok(e.entries > 10);
});
