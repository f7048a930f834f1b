import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { readImageFilesystem } from '../../inventory/image-inventory.js';
import { noopLogger } from '../../context.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { tempDir } from '../../testing/registry.js';
import { OciLayoutCore } from './oci-layout.js';
import { resolveImage } from './open.js';
import { parsePlatform } from './platform.js';

const ctx = { now: new Date(0), log: noopLogger };
const LIMITS = { maxDecompressedBytes: 1 << 30, maxEntries: 100_000, maxRatio: 1000, maxDocumentBytes: 1 << 24 };
const AMD64 = parsePlatform('linux/amd64');
const GGCR = 'google-go-containerregistry/pkg/v1/layout/testdata';
const APKO = 'chainguard-dev-apko/internal/cli/testdata';

test('oci layout: go-containerregistry layouts by tag, digest and the only image', needsRealdata(), async () => {
  // test_index's tag 1 is a Docker v2 manifest that index.json calls an OCI one: a contradiction.
  await assert.rejects(resolveImage(new OciLayoutCore(realdata(`${GGCR}/test_index`), { tag: '1' }, 1 << 20), AMD64), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED' && /contradict/.test(e.message));
  const one = 'sha256:98ceaf93e482fe91b9bfd6bba07137c098e49ee2d55e69f09fb6c951e75e0e46';
  const byDigest = await resolveImage(new OciLayoutCore(realdata(`${GGCR}/test_index_one_image`), { digest: one }, 1 << 20), AMD64);
  assert.equal(byDigest.digest, one);
  const only = await resolveImage(new OciLayoutCore(realdata(`${GGCR}/test_index_one_image`), {}, 1 << 20), AMD64);
  assert.equal(only.manifest.layers.length, 1);
  await assert.rejects(resolveImage(new OciLayoutCore(realdata(`${GGCR}/test_index`), { tag: 'nope' }, 1 << 20), AMD64), (e: unknown) => isVouchError(e) && e.code === 'NOT_FOUND' && /tags in this layout/.test(e.hints.join()));
  await assert.rejects(resolveImage(new OciLayoutCore(realdata(`${GGCR}/test_index`), {}, 1 << 20), AMD64), (e: unknown) => isVouchError(e) && e.code === 'NOT_FOUND' && /holds 4 images/.test(e.message));
});

test('oci layout: apko multi-arch layout resolves each platform and its files', needsRealdata(), async () => {
  const core = new OciLayoutCore(realdata(`${APKO}/golden`), {}, 1 << 20);
  const amd = await resolveImage(core, AMD64);
  assert.equal(amd.digest, 'sha256:69f0237c7f8cf0b8a329d1bf1d6870c870c4ec323e39d3a6da59596632d0f2f4');
  assert.equal(amd.platform, 'linux/amd64');
  assert.ok(amd.index);
  const arm = await resolveImage(core, parsePlatform('linux/arm64'));
  assert.equal(arm.digest, 'sha256:124c885f834cfaf1329987457a9651a68c4fb9733d4462ae6288b98011277858');
  const fs = await readImageFilesystem(core, amd.manifest.config, amd.manifest.layers, LIMITS, ctx);
  const db = fs.table.files.get('usr/lib/apk/db/installed');
  assert.equal(db?.type, 'file');
  assert.match(db?.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.match(db?.sha1 ?? '', /^[0-9a-f]{40}$/);
  assert.equal(fs.table.files.get('lib/apk')?.type, 'symlink');
  assert.equal(fs.table.files.get('lib/apk')?.linkTarget, '../usr/lib/apk');
  assert.ok(fs.table.captured.has('var/lib/db/sbom/replayout-1.0.0-r0.spdx.json'));
  await assert.rejects(resolveImage(core, parsePlatform('linux/riscv64')), (e: unknown) => isVouchError(e) && e.code === 'NOT_FOUND');
});

test('oci layout: a changed byte in any blob, or a missing blob, never passes', needsRealdata(), async () => {
  const src = realdata(`${APKO}/golden`);
  const blobs = ['69f0237c7f8cf0b8a329d1bf1d6870c870c4ec323e39d3a6da59596632d0f2f4', '6c815259150f37d000417f9a93f41bddf74dff905c745986069d4b03e954ac1d', 'c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738'];
  for (const blob of blobs) {
    for (const pos of [0, 17, -1]) {
      const tmp = tempDir('vouch-layout-');
      try {
        cpSync(src, tmp.dir, { recursive: true });
        const path = join(tmp.dir, 'blobs', 'sha256', blob);
        chmodSync(path, 0o644);
        const bytes = readFileSync(path);
        const at = pos < 0 ? bytes.length + pos : pos;
        bytes[at] = (bytes[at] as number) ^ 0x20;
        writeFileSync(path, bytes);
        const core = new OciLayoutCore(tmp.dir, {}, 1 << 20);
        await assert.rejects(
          (async () => {
            const img = await resolveImage(core, AMD64);
            await readImageFilesystem(core, img.manifest.config, img.manifest.layers, LIMITS, ctx);
          })(),
          (e: unknown) => isVouchError(e) && ['DIGEST_MISMATCH', 'INPUT_MALFORMED'].includes(e.code),
          `${blob} at ${pos}`,
        );
      } finally {
        tmp.remove();
      }
    }
  }
});
