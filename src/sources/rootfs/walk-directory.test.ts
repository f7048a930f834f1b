import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { encodeName } from '../tar/names.js';
import type { DirectoryWalkCaps, RootEntry } from './walk-directory.js';
import { walkDirectory } from './walk-directory.js';

/**
 * The directory walk of `vouch rootfs` on hostile roots: links out of the root, FIFOs, sockets,
 * devices, names that are not UTF-8, floods of entries, deep nesting and large files. Every one
 * is reported or refused, none is followed, opened or allowed to grow memory or time unbounded.
 */
const CAPS: DirectoryWalkCaps = { maxEntries: 100_000, maxBytes: 1 << 30 };

function tempRoot(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-rootfs-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every entry, with file contents read (as the inventory reads them). */
async function walk(dir: string, caps = CAPS): Promise<Map<string, RootEntry & { text?: string }>> {
  const out = new Map<string, RootEntry & { text?: string }>();
  for await (const e of walkDirectory(dir, caps)) {
    let text: string | undefined;
    if (e.content) {
      const chunks: Buffer[] = [];
      for await (const c of e.content()) chunks.push(c);
      text = Buffer.concat(chunks).toString('latin1');
    }
    out.set(e.path, { ...e, ...(text !== undefined && { text }) });
  }
  return out;
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(isVouchError(err), String(err));
    return { code: err.code, message: err.message };
  }
  return assert.fail('expected a refusal');
}

test('rootfs walk: every entry once, in byte order, with kind, mode and content; links reported with their targets, never followed', async () => {
  const root = tempRoot();
  try {
    mkdirSync(join(root.dir, 'etc'));
    writeFileSync(join(root.dir, 'etc', 'os-release'), 'ID=test\n', { mode: 0o644 });
    mkdirSync(join(root.dir, 'usr', 'bin'), { recursive: true });
    // Out of the root, absolute and relative; to a directory outside; a loop; a dangling link.
    symlinkSync('/etc/passwd', join(root.dir, 'etc', 'passwd-host'));
    symlinkSync('../../../../../../../../etc', join(root.dir, 'usr', 'host-etc'));
    symlinkSync('loop-b', join(root.dir, 'loop-a'));
    symlinkSync('loop-a', join(root.dir, 'loop-b'));
    symlinkSync('/nonexistent/x', join(root.dir, 'dangling'));
    const got = await walk(root.dir);
    assert.deepEqual([...got.keys()], ['dangling', 'etc', 'loop-a', 'loop-b', 'usr', 'etc/os-release', 'etc/passwd-host', 'usr/bin', 'usr/host-etc']);
    assert.equal(got.get('etc/os-release')?.text, 'ID=test\n');
    assert.equal(got.get('etc/os-release')?.type, 'file');
    for (const [path, target] of [['etc/passwd-host', '/etc/passwd'], ['usr/host-etc', '../../../../../../../../etc'], ['loop-a', 'loop-b']]) {
      const e = got.get(path as string);
      assert.equal(e?.type, 'symlink');
      assert.equal(e?.linkTarget, target);
      assert.equal(e?.content, undefined, `${path}: a link's target is never read`);
    }
    // Nothing below the linked directory was walked.
    assert.ok(![...got.keys()].some((p) => p.startsWith('usr/host-etc/')));
  } finally {
    root.remove();
  }
});

test('rootfs walk: a FIFO and a socket are reported by kind and never opened (the walk does not block)', { timeout: 60_000 }, async () => {
  const root = tempRoot();
  const server = createServer();
  try {
    const fifo = spawnSync('mkfifo', [join(root.dir, 'pipe')]);
    assert.equal(fifo.status, 0, 'mkfifo is needed for this test');
    await new Promise<void>((resolve) => server.listen(join(root.dir, 'sock'), resolve));
    const got = await walk(root.dir);
    assert.equal(got.get('pipe')?.type, 'fifo');
    assert.equal(got.get('sock')?.type, 'socket');
    assert.equal(got.get('pipe')?.content, undefined);
    assert.equal(got.get('sock')?.content, undefined);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    root.remove();
  }
});

test('rootfs walk: device nodes are reported, never opened', { skip: process.getuid?.() === 0 ? false : 'creating device nodes needs root' }, async () => {
  const root = tempRoot();
  try {
    mkdirSync(join(root.dir, 'dev'));
    // /dev/zero's numbers: read, it would never end.
    assert.equal(spawnSync('mknod', [join(root.dir, 'dev', 'zero'), 'c', '1', '5']).status, 0);
    const got = await walk(root.dir);
    assert.equal(got.get('dev/zero')?.type, 'char');
    assert.equal(got.get('dev/zero')?.content, undefined);
  } finally {
    root.remove();
  }
});

test('rootfs walk: names that are not UTF-8 are kept apart and read as the bytes they are', async () => {
  const root = tempRoot();
  try {
    const a = Buffer.from([0x61, 0xff]);
    const b = Buffer.from([0x61, 0xfe]);
    writeFileSync(Buffer.concat([Buffer.from(`${root.dir}/`), a]), 'one');
    writeFileSync(Buffer.concat([Buffer.from(`${root.dir}/`), b]), 'two');
    const got = await walk(root.dir);
    assert.equal(got.size, 2);
    const texts = new Map([...got.values()].map((e) => [encodeName(e.path).toString('hex'), e.text]));
    assert.equal(texts.get(a.toString('hex')), 'one');
    assert.equal(texts.get(b.toString('hex')), 'two');
  } finally {
    root.remove();
  }
});

test('rootfs walk: caps on entries, depth and bytes refuse a flood, a deep nest and large files, naming the flag', async () => {
  const root = tempRoot();
  try {
    for (let i = 0; i < 50; i++) writeFileSync(join(root.dir, `f${i}`), 'x'.repeat(1000));
    const entries = await refusal(walk(root.dir, { maxEntries: 20, maxBytes: 1 << 30 }));
    assert.deepEqual([entries.code, /--max-entries/.test(entries.message)], ['LIMIT_EXCEEDED', true]);
    const bytes = await refusal(walk(root.dir, { maxEntries: 1000, maxBytes: 10_000 }));
    assert.deepEqual([bytes.code, /--max-size/.test(bytes.message)], ['LIMIT_EXCEEDED', true]);
    let deep = root.dir;
    for (let i = 0; i < 12; i++) mkdirSync((deep = join(deep, 'd')));
    const depth = await refusal(walk(root.dir, { maxEntries: 1000, maxBytes: 1 << 30, maxDepth: 10 }));
    assert.deepEqual([depth.code, /deeper than 10/.test(depth.message)], ['LIMIT_EXCEEDED', true]);
  } finally {
    root.remove();
  }
});

test('rootfs walk: the root must be a directory; an unreadable one is "could not check"', async () => {
  const root = tempRoot();
  try {
    writeFileSync(join(root.dir, 'file'), 'x');
    assert.equal((await refusal(walk(join(root.dir, 'file')))).code, 'INPUT_UNREADABLE');
    assert.equal((await refusal(walk(join(root.dir, 'absent')))).code, 'INPUT_UNREADABLE');
  } finally {
    root.remove();
  }
});

/** A directory under /dev on another file system (devpts, a tmpfs for shm), where there is one. */
function mountUnderDev(): string | undefined {
  try {
    const dev = lstatSync('/dev').dev;
    return readdirSync('/dev').find((name) => {
      const info = lstatSync(join('/dev', name));
      return info.isDirectory() && info.dev !== dev;
    });
  } catch {
    return undefined;
  }
}
const MOUNT = mountUnderDev();

test('rootfs walk: a mount point is reported and not entered; devices around it are never opened', { skip: MOUNT === undefined ? 'no mount point under /dev here' : false, timeout: 60_000 }, async () => {
  const got = new Map<string, RootEntry>();
  for await (const e of walkDirectory('/dev', CAPS)) {
    // Only regular files would be read; /dev holds none that matter, and none is read here.
    got.set(e.path, e);
  }
  const mount = got.get(MOUNT as string);
  assert.equal(mount?.type, 'dir');
  assert.equal(mount?.mountPoint, true);
  assert.ok(![...got.keys()].some((p) => p.startsWith(`${MOUNT as string}/`)), 'nothing below the mount point was walked');
  assert.equal(got.get('null')?.type, 'char');
});
