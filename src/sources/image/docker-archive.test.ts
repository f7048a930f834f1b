import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noopLogger } from '../../context.js';
import { isVouchError } from '../../errors.js';
import { readImageFilesystem } from '../../inventory/image-inventory.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { blobsOf, buildImage, indexOf, tarOf, tempDir } from '../../testing/registry.js';
import type { BuiltBlob, BuiltImage } from '../../testing/registry.js';
import { DockerArchiveCore } from './docker-archive.js';
import { resolveImage } from './open.js';
import { parsePlatform } from './platform.js';

const ctx = { now: new Date(0), log: noopLogger };
const LIMITS = { maxDecompressedBytes: 1 << 30, maxEntries: 100_000, maxRatio: 1000, maxDocumentBytes: 1 << 24 };
const TARBALLS = 'google-go-containerregistry/pkg/v1/tarball/testdata';

async function files(file: string): Promise<Map<string, string | undefined>> {
  const core = new DockerArchiveCore(file, 1 << 20);
  const img = await resolveImage(core, parsePlatform('linux/amd64'));
  const fs = await readImageFilesystem(core, img.manifest.config, img.manifest.layers, LIMITS, ctx);
  return new Map([...fs.table.files.values()].map((f) => [f.path, f.sha256]));
}

test('docker archive: legacy docker save layout (go-containerregistry test_image_1)', needsRealdata(), async () => {
  const got = await files(realdata(`${TARBALLS}/test_image_1.tar`));
  assert.deepEqual([...got.keys()].sort(), ['bar', 'foo']);
  assert.equal(got.get('foo'), 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c'); // sha256("foo\n")
});

test('docker archive: docker 25 archive with blobs/sha256 paths', needsRealdata(), async () => {
  const got = await files(realdata(`${TARBALLS}/hello-world-v25.tar`));
  assert.ok(got.has('hello'));
});

test('docker archive: several images are a usage error; a non-archive cannot be read', needsRealdata(), async () => {
  await assert.rejects(files(realdata(`${TARBALLS}/test_bundle.tar`)), (e: unknown) => isVouchError(e) && e.code === 'UNSUPPORTED_FORMAT');
  await assert.rejects(files(realdata('google-go-containerregistry/LICENSE')), (e: unknown) => isVouchError(e) && ['INPUT_MALFORMED', 'UNSUPPORTED_FORMAT'].includes(e.code));
  await assert.rejects(files('/nonexistent/archive.tar'), (e: unknown) => isVouchError(e) && e.code === 'INPUT_UNREADABLE');
});

test('docker archive: a changed file inside a layer fails the config diff_id check', needsRealdata(), async () => {
  const bytes = readFileSync(realdata(`${TARBALLS}/test_image_1.tar`));
  const at = bytes.indexOf(Buffer.from('foo\n'));
  assert.ok(at > 0);
  bytes[at] = 0x46; // "Foo\n": still a valid tar, but not the layer the config names
  const tmp = tempDir('vouch-archive-');
  try {
    const file = join(tmp.dir, 'tampered.tar');
    writeFileSync(file, bytes);
    await assert.rejects(files(file), (e: unknown) => isVouchError(e) && e.code === 'DIGEST_MISMATCH' && /diff_id/.test(e.message));
  } finally {
    tmp.remove();
  }
});

/** A Docker 25 style archive: blobs/sha256, oci-layout, index.json and manifest.json as given. */
async function docker25(dir: string, name: string, blobs: readonly BuiltBlob[], index: unknown, legacy: BuiltImage): Promise<string> {
  const path = (b: BuiltBlob): string => `blobs/sha256/${b.digest.slice(7)}`;
  const unique = [...new Map(blobs.map((b) => [b.digest, b])).values()];
  const manifestJson = [{ Config: path(legacy.config), RepoTags: ['demo:v1'], Layers: legacy.layers.map(path) }];
  const tar = await tarOf([
    { path: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { path: 'index.json', content: typeof index === 'string' ? index : JSON.stringify(index) },
    { path: 'manifest.json', content: JSON.stringify(manifestJson) },
    ...unique.map((b) => ({ path: path(b), content: b.bytes })),
  ]);
  const file = join(dir, name);
  writeFileSync(file, tar);
  return file;
}

test('docker archive: index.json and manifest.json must name the same image', async () => {
  const a = await buildImage([{ files: [{ path: 'which', content: 'A' }] }]);
  const b = await buildImage([{ files: [{ path: 'which', content: 'B' }] }]);
  const tmp = tempDir('vouch-archive-');
  try {
    const blobs = [...blobsOf(a), ...blobsOf(b)];
    const entry = (m: BuiltBlob, tag: string) => ({ mediaType: m.mediaType, digest: m.digest, size: m.bytes.length, annotations: { 'org.opencontainers.image.ref.name': tag } });
    // Agreeing: both name image A (listed twice under two tags, one digest).
    const agree = await docker25(tmp.dir, 'agree.tar', blobs, { schemaVersion: 2, manifests: [entry(a.manifest, 'v1'), entry(a.manifest, 'latest')] }, a);
    assert.equal((await files(agree)).get('which'), '559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd'); // sha256("A")
    // index.json names A, manifest.json names B: refused, whichever one vouch would have read.
    const split = await docker25(tmp.dir, 'split.tar', blobs, { schemaVersion: 2, manifests: [entry(a.manifest, 'v1')] }, b);
    await assert.rejects(files(split), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED' && /index\.json and manifest\.json name different images/.test(e.message));
    // Through an index (the containerd image store's layout): the platform image must agree too.
    const idx = indexOf([{ blob: a.manifest, platform: { os: 'linux', architecture: 'amd64' } }]);
    const viaIndex = await docker25(tmp.dir, 'via-index.tar', [...blobs, idx], { schemaVersion: 2, manifests: [entry(idx, 'v1')] }, b);
    await assert.rejects(files(viaIndex), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED');
    // Two images in index.json, or an index.json that is not JSON: never a silent fall-back to manifest.json.
    const two = await docker25(tmp.dir, 'two.tar', blobs, { schemaVersion: 2, manifests: [entry(a.manifest, 'v1'), entry(b.manifest, 'v2')] }, a);
    await assert.rejects(files(two), (e: unknown) => isVouchError(e) && e.code === 'UNSUPPORTED_FORMAT');
    const garbage = await docker25(tmp.dir, 'garbage.tar', blobs, '{"manifests": [', a);
    await assert.rejects(files(garbage), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED' && /index\.json is not JSON/.test(e.message));
  } finally {
    tmp.remove();
  }
});
