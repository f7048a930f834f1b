/**
 * Memory bounds of reading layers, measured as the peak RSS of a child process that reads a
 * generated OCI layout (the parent generates it, so the child's peak is the reading alone):
 * zstd frames that ask for a 2 GiB window, and many layers whose entries together exceed the
 * image-wide cap. Generous bounds: they guard against gigabytes, not against megabytes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../testing/cli.js';
import { header, imageOfTars } from '../testing/raw-tar.js';
import { blobsOf, tempDir, writeLayout } from '../testing/registry.js';
import type { BuiltImage } from '../testing/registry.js';

const DIST = join(PROJECT_ROOT, 'dist');

/** Reads the layout's image in a child; returns its error (code, message) and peak RSS in MiB. */
function readInChild(image: BuiltImage, limits: Record<string, number>): { code: string; message: string; rssMiB: number } {
  const tmp = tempDir('vouch-mem-');
  try {
    writeLayout(tmp.dir, blobsOf(image), [{ blob: image.manifest }]);
    const script = `
      const { OciLayoutCore } = await import(${JSON.stringify(join(DIST, 'sources/image/oci-layout.js'))});
      const { resolveImage } = await import(${JSON.stringify(join(DIST, 'sources/image/open.js'))});
      const { parsePlatform } = await import(${JSON.stringify(join(DIST, 'sources/image/platform.js'))});
      const { readImageFilesystem } = await import(${JSON.stringify(join(DIST, 'inventory/image-inventory.js'))});
      const ctx = { now: new Date(0), log: { debug() {}, info() {}, warn() {} } };
      const core = new OciLayoutCore(${JSON.stringify(tmp.dir)}, {}, 1 << 20);
      const img = await resolveImage(core, parsePlatform('linux/amd64'));
      let out = { code: 'NONE', message: '' };
      try {
        await readImageFilesystem(core, img.manifest.config, img.manifest.layers, ${JSON.stringify(limits)}, ctx);
      } catch (err) {
        out = { code: err.code ?? 'THROWN', message: err.message };
      }
      console.log(JSON.stringify({ ...out, rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { code: string; message: string; rssMiB: number };
  } finally {
    tmp.remove();
  }
}

const BASE = { maxDecompressedBytes: 8 * 1024 ** 3, maxEntries: 1_000_000, maxRatio: 100_000, maxDocumentBytes: 1 << 20 };

/** A zstd frame that declares a 2^windowLog window and holds RLE blocks of 'a' (tiny on disk). */
function zstdFrame(windowLog: number, blocks: number): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3])];
  for (let i = 0; i < blocks; i++) {
    const h = ((128 * 1024 - 1) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x61]));
  }
  return Buffer.concat(parts);
}

test('layer memory: three zstd layers asking for 2 GiB windows are LIMIT_EXCEEDED without allocating them', { timeout: 300_000 }, () => {
  assert.ok(existsSync(DIST), 'build first (npm test does)');
  // Three distinct tiny layers, read in parallel (the reader's limit of parallel layers).
  const frames = [31, 31, 30].map((w, i) => zstdFrame(w, 100 + i));
  const image = imageOfTars(frames, (t) => ({ bytes: t, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }));
  const r = readInChild(image, BASE);
  assert.equal(r.code, 'LIMIT_EXCEEDED', r.message);
  assert.match(r.message, /zstd frame needs a window larger than 134217728 bytes \(raise with --max-zstd-window\)/);
  assert.ok(r.rssMiB < 400, `peak RSS ${r.rssMiB} MiB`);
});

/** A layer of `count` empty files (headers only), gzip-compressed. */
function manyFiles(count: number, tag: string): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; i < count; i++) blocks.push(header({ name: `${tag}/d${i % 1000}/f${i}`, content: '' }));
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

test('layer memory: entries are capped across layers, with the flag that raises the cap', { timeout: 300_000 }, () => {
  assert.ok(existsSync(DIST), 'build first (npm test does)');
  const tars = ['a', 'b', 'c', 'd'].map((tag) => manyFiles(60_000, tag));
  const image = imageOfTars(tars, (t) => ({ bytes: gzipSync(t, { level: 1 }), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }));
  const capped = readInChild(image, { ...BASE, maxImageEntries: 150_000 });
  assert.equal(capped.code, 'LIMIT_EXCEEDED', capped.message);
  assert.match(capped.message, /more than 150000 entries in all its layers \(raise with --max-image-entries\)/);
  assert.ok(capped.rssMiB < 600, `peak RSS ${capped.rssMiB} MiB`);
  const perLayer = readInChild(image, { ...BASE, maxEntries: 50_000 });
  assert.equal(perLayer.code, 'LIMIT_EXCEEDED');
  assert.match(perLayer.message, /more than 50000 entries \(raise with --max-entries\)/);
});
