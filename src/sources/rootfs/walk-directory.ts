/**
 * Reads a root filesystem given as a directory (an unpacked image, a container's root mounted for
 * inspection) the way a tar of it would be read: one entry per path, never leaving the root.
 *
 * - Every path is examined with lstat, so a symbolic link is reported with its target and never
 *   followed: not out of the root (a link to /etc/shadow on the host), and not inside it either
 *   (the root's own view of a link target is the target's entry, audited where it lies).
 * - Only regular files are opened: FIFOs, sockets and devices are reported by type and never
 *   opened (opening a device can have effects; reading a FIFO blocks; /dev/zero never ends).
 *   A file is opened with O_NOFOLLOW | O_NONBLOCK and must be, on the open handle, the regular
 *   file lstat examined (same device and inode): a path swapped for a link or FIFO is refused.
 * - A directory on another device (a mount point: /proc, /sys or a bind mount in a live root) is
 *   reported but not entered: what is mounted there is not the root's content. The caller
 *   fails the audit for it, since vouch did not see everything.
 * - Caps: entries (--max-entries), depth (MAX_ROOTFS_DEPTH) and the bytes of all files together
 *   (--max-size) bound the walk whatever the root holds.
 *
 * Names are bytes on Linux; they are read as bytes and decoded losslessly (sources/tar/names.ts),
 * as tar names are, so that no two names become one. The walk assumes the root is not changing
 * while it is read (audit a snapshot or a stopped container): each directory's identity is
 * checked before and after it is listed and each file's on its handle, but Node offers no
 * openat(), so a root rewritten concurrently could still race between those checks.
 */
import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { fail, messageOf, VouchError } from '../../errors.js';
import { listDirectoryNames, openInputFile } from '../local-file.js';
import { decodeName } from '../tar/names.js';

/** Deeper than any real root (Linux's PATH_MAX of 4096 bytes allows about 2,000 levels). */
export const MAX_ROOTFS_DEPTH = 256;

export type RootEntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

export interface RootEntry {
  /** Relative to the root, "/"-separated, decoded losslessly from the name bytes. */
  readonly path: string;
  readonly type: RootEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Symbolic links: the target as stored, never resolved. */
  readonly linkTarget?: string;
  /** Directories on another device than the root: reported, not entered. */
  readonly mountPoint?: boolean;
  /** Regular files: the content, read once, in chunks. */
  readonly content?: () => AsyncIterable<Buffer>;
}

export interface DirectoryWalkCaps {
  readonly maxEntries: number;
  /** All regular files' bytes together. */
  readonly maxBytes: number;
  readonly maxDepth?: number;
}

/** Walks `root` depth-first in byte order of the names (deterministic), yielding every entry below it. */
export async function* walkDirectory(root: string, caps: DirectoryWalkCaps, signal?: AbortSignal): AsyncGenerator<RootEntry> {
  const rootBytes = Buffer.from(root);
  const top = await lstatOrFail(rootBytes, root);
  if (!top.isDirectory()) fail('INPUT_UNREADABLE', `${root} is not a directory`);
  const maxDepth = caps.maxDepth ?? MAX_ROOTFS_DEPTH;
  let entries = 0;
  const budget = { bytes: 0 };
  // Explicit stack (no recursion): depth is capped, but the stack should not be the cap.
  const stack: { abs: Buffer; rel: string; depth: number; info: Stats }[] = [{ abs: rootBytes, rel: '', depth: 0, info: top }];
  while (stack.length > 0) {
    const dir = stack.pop() as (typeof stack)[number];
    const names = await listDirectoryNames(dir.abs, dir.info, { what: dir.rel || root, maxEntries: caps.maxEntries - entries });
    const children: typeof stack = [];
    for (const name of names) {
      signal?.throwIfAborted();
      if (++entries > caps.maxEntries) limit(`${root}: more than ${caps.maxEntries} entries (raise with --max-entries)`, caps.maxEntries, '--max-entries');
      const abs = Buffer.concat([dir.abs, Buffer.from('/'), name]);
      const rel = dir.rel === '' ? decodeName(name) : `${dir.rel}/${decodeName(name)}`;
      const info = await lstatOrFail(abs, rel);
      const base = { path: rel, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
      if (info.isDirectory()) {
        if (info.dev !== top.dev) {
          yield { ...base, type: 'dir', size: 0, mountPoint: true };
          continue;
        }
        if (dir.depth + 1 > maxDepth) limit(`${root}: ${rel} is nested deeper than ${maxDepth} directories`, maxDepth, undefined);
        yield { ...base, type: 'dir', size: 0 };
        children.push({ abs, rel, depth: dir.depth + 1, info });
      } else if (info.isSymbolicLink()) {
        yield { ...base, type: 'symlink', size: 0, linkTarget: decodeName(await readLinkOrFail(abs, rel)) };
      } else if (info.isFile()) {
        yield { ...base, type: 'file', size: info.size, content: () => readRegular(abs, rel, info, budget, caps.maxBytes, signal) };
      } else {
        yield { ...base, type: specialType(info), size: 0 };
      }
    }
    // Reversed onto the stack so that the first name is walked first.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as (typeof stack)[number]);
  }
}

function specialType(info: Stats): RootEntryType {
  if (info.isCharacterDevice()) return 'char';
  if (info.isBlockDevice()) return 'block';
  if (info.isFIFO()) return 'fifo';
  return 'socket';
}

async function* readRegular(abs: Buffer, rel: string, before: Stats, budget: { bytes: number }, maxBytes: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  // Regular files only, O_NOFOLLOW | O_NONBLOCK, the open handle checked against its lstat.
  const { handle } = await openInputFile(abs, { what: rel, noFollow: true });
  try {
    const info = await handle.stat();
    // And against the walk's own lstat: the entry reported is the entry read.
    if (info.ino !== before.ino || info.dev !== before.dev) fail('INPUT_UNREADABLE', `${rel} changed while it was read`);
    // Sized to the file (most are small), at most 1 MiB a read.
    const chunkSize = Math.min(1024 * 1024, Math.max(4096, before.size + 1));
    for (;;) {
      signal?.throwIfAborted();
      // A new buffer per read: each chunk is handed on, not copied.
      const buf = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      budget.bytes += bytesRead;
      if (budget.bytes > maxBytes) limit(`the root's files hold more than ${maxBytes} bytes together (raise with --max-size)`, maxBytes, '--max-size');
      yield buf.subarray(0, bytesRead);
    }
  } catch (err) {
    if (err instanceof VouchError || (err as Error).name === 'AbortError') throw err;
    return unreadable(rel, err);
  } finally {
    await handle.close();
  }
}

async function lstatOrFail(abs: Buffer, what: string): Promise<Stats> {
  try {
    return await lstat(abs);
  } catch (err) {
    return unreadable(what, err);
  }
}

async function readLinkOrFail(abs: Buffer, what: string): Promise<Buffer> {
  try {
    return await readlink(abs, { encoding: 'buffer' });
  } catch (err) {
    return unreadable(what, err);
  }
}

function unreadable(what: string, err: unknown): never {
  return fail('INPUT_UNREADABLE', `cannot read ${what}: ${messageOf(err)}`, { cause: err });
}

function limit(message: string, max: number, flag: string | undefined): never {
  throw new VouchError({ code: 'LIMIT_EXCEEDED', message, details: { limit: max, ...(flag !== undefined && { flag }) } });
}
