import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noopLogger } from '../../context.js';
import { isVouchError } from '../../errors.js';
import { readImageFilesystem } from '../../inventory/image-inventory.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { tempDir } from '../../testing/registry.js';
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
  await assert.rejects(files(realdata(`${TARBALLS}/test_bundle.tar`)), (e: unknown) => isVouchError(e) && e.code === 'USAGE');
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
