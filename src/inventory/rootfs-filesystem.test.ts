import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { noopLogger } from '../context.js';
import { openRootfs } from '../sources/rootfs/index.js';
import { entry, file, tar } from '../testing/raw-tar.js';
import { readRootfsFilesystem } from './rootfs-filesystem.js';

const LIMITS = { maxDecompressedBytes: 1 << 30, maxEntries: 100_000, maxRatio: 1000, maxDocumentBytes: 1 << 20 };
const ctx = { now: new Date(0), log: noopLogger };

function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-rootfs-fs-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('rootfs filesystem: a directory and a tar of the same root give the same file table; the tar digest is the file\'s', async () => {
  const t = tempDir();
  try {
    const root = join(t.dir, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    chmodSync(join(root, 'etc'), 0o755);
    writeFileSync(join(root, 'etc', 'os-release'), 'ID=x\n');
    chmodSync(join(root, 'etc', 'os-release'), 0o644);
    const fromDir = await readRootfsFilesystem(await openRootfs(root), LIMITS, ctx);
    const bytes = gzipSync(tar([entry({ name: 'etc/', type: '5', mode: 0o755 }), file('etc/os-release', 'ID=x\n')]));
    writeFileSync(join(t.dir, 'root.tar.gz'), bytes);
    const fromTar = await readRootfsFilesystem(await openRootfs(join(t.dir, 'root.tar.gz')), LIMITS, ctx);
    const view = (m: ReadonlyMap<string, { type: string; mode: number; sha256?: string }>): string[] => [...m.values()].map((f) => `${f.type} ${f.mode.toString(8)} ${f.sha256 ?? ''}`).sort();
    assert.deepEqual(view(fromDir.table.files), view(fromTar.table.files));
    assert.equal(fromTar.digest, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    assert.match(fromDir.digest, /^sha256:[0-9a-f]{64}$/);
    // The listing digest changes with any content change.
    writeFileSync(join(root, 'etc', 'os-release'), 'ID=y\n');
    const changed = await readRootfsFilesystem(await openRootfs(root), LIMITS, ctx);
    assert.notEqual(changed.digest, fromDir.digest);
  } finally {
    t.remove();
  }
});

test('rootfs filesystem: a 256 MiB file is hashed in bounded memory, and --max-size stops a larger root', { timeout: 120_000 }, async () => {
  const t = tempDir();
  try {
    // Sparse: no disk is used, but every byte is read and hashed.
    truncateSync((writeFileSync(join(t.dir, 'big'), ''), join(t.dir, 'big')), 256 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    const fs = await readRootfsFilesystem(await openRootfs(t.dir), LIMITS, ctx);
    const grown = process.memoryUsage().rss - before;
    assert.equal(fs.table.files.get('big')?.size, 256 * 1024 * 1024);
    assert.ok(grown < 128 * 1024 * 1024, `memory grew by ${grown} bytes`);
    await assert.rejects(readRootfsFilesystem(await openRootfs(t.dir), { ...LIMITS, maxDecompressedBytes: 64 * 1024 * 1024 }, ctx), /--max-size/);
  } finally {
    t.remove();
  }
});
