/**
 * Every local file vouch reads — a file named on the command line (artifact, apk, docker archive,
 * bundle, attestation, key, trusted root, SBOM, evidence, policy) or one found inside a local
 * source (a keyring entry, a blob of an OCI layout) — is opened here, so that each gets the same
 * two guarantees:
 *
 * - Only regular files are read. A FIFO blocks the reader until someone writes, a socket or a
 *   device (/dev/zero, /dev/urandom) never ends; any of them would stall vouch or grow it without
 *   bound. The type is checked before the file is opened (opening some devices has effects of its
 *   own), the file is opened with O_NONBLOCK (so that a FIFO swapped in after the check cannot
 *   block the open itself), and the open handle is checked again: it must be the regular file that
 *   was examined, not whatever the path named a moment later.
 * - A file read whole is read up to its cap and no further: the size on the open handle is
 *   checked first, and the read stops at cap + 1 bytes, so a file that grows while it is read
 *   cannot make vouch hold more than the cap either.
 *
 * A symbolic link named by the user is followed (that is how users point at files); inside a local
 * source (`noFollow`) a link is refused, so that a layout cannot make vouch read files outside it.
 */
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, open, opendir, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ErrorCode } from '../errors.js';
import { fail, messageOf, VouchError } from '../errors.js';

/**
 * A public key (PEM) is a few hundred bytes; 64 KiB leaves room for long comments and bundles of
 * a handful of keys, and no key file ever needs a flag to raise it.
 */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Entries read from one keyring directory (real ones hold tens of keys). */
export const MAX_KEYRING_ENTRIES = 1000;

export interface InputFileOptions {
  /** How the file is named in messages: `--key`, `SBOM`, `oci:dir: blob sha256:…`. */
  readonly what: string;
  /** A file found inside a local source: a symbolic link is refused, not followed. */
  readonly noFollow?: boolean;
  /** The code for a file that does not exist (INPUT_UNREADABLE unless the caller says otherwise). */
  readonly missing?: ErrorCode;
}

export interface BoundedReadOptions extends InputFileOptions {
  /** Largest size read, in bytes; a larger file is LIMIT_EXCEEDED. */
  readonly maxBytes: number;
  /** The flag that raises the cap, named in the error (none for inputs that never need more). */
  readonly flag?: string;
}

export interface OpenedInputFile {
  readonly handle: FileHandle;
  /** The size when the file was opened. */
  readonly size: number;
}

/** What a file is, in words, for the error that refuses it. */
function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a directory';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** A path as given: a string, or bytes for a name that is not UTF-8 (found inside a root filesystem). */
export type InputPath = string | Buffer;

function notRegular(opts: InputFileOptions, path: InputPath, info: Stats): never {
  return fail('INPUT_UNREADABLE', `${opts.what} ${path} is ${kindOf(info)}, not a regular file; vouch reads only regular files`);
}

/**
 * A system error as a sentence with the path and what to do next, instead of libuv's
 * "ENOENT: no such file or directory, stat '…'"; the raw error stays as the cause (VOUCH_DEBUG).
 */
function unreadable(opts: InputFileOptions, path: InputPath, err: unknown): never {
  const errno = (err as NodeJS.ErrnoException).code;
  switch (errno) {
    case 'ENOENT':
      return fail(opts.missing ?? 'INPUT_UNREADABLE', `${opts.what} ${path} does not exist`, {
        cause: err,
        hints: ['check the path; a relative path is taken from the current directory'],
      });
    case 'EACCES':
    case 'EPERM':
      return fail('INPUT_UNREADABLE', `${opts.what} ${path} cannot be read: permission denied`, { cause: err, hints: ["check the file's permissions and those of its directories"] });
    case 'ENOTDIR':
      return fail('INPUT_UNREADABLE', `${opts.what} ${path} does not exist: a part of the path is a file, not a directory`, { cause: err, hints: ['check the path'] });
    case 'ELOOP':
      return fail('INPUT_UNREADABLE', `${opts.what} ${path} cannot be read: too many symbolic links (a loop?)`, { cause: err });
    case 'EISDIR':
      return fail('INPUT_UNREADABLE', `${opts.what} ${path} is a directory, not a regular file; vouch reads only regular files`, { cause: err });
    default:
      return fail('INPUT_UNREADABLE', `cannot read ${opts.what} ${path}: ${messageOf(err)}`, { cause: err });
  }
}

/**
 * Opens a regular file for reading, refusing anything else before it is opened.
 * @throws VouchError INPUT_UNREADABLE (not a regular file, cannot be opened), or `missing`
 */
export async function openInputFile(path: InputPath, opts: InputFileOptions): Promise<OpenedInputFile> {
  let before: Stats;
  try {
    before = opts.noFollow ? await lstat(path) : await stat(path);
  } catch (err) {
    return unreadable(opts, path, err);
  }
  if (!before.isFile()) notRegular(opts, path, before);
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (err) {
    return unreadable(opts, path, err);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) notRegular(opts, path, info);
    // Swapped between the check and the open: not the file that was examined.
    if (info.ino !== before.ino || info.dev !== before.dev) fail('INPUT_UNREADABLE', `${opts.what} ${path} changed while it was opened`);
    return { handle, size: info.size };
  } catch (err) {
    await handle.close();
    if (err instanceof VouchError) throw err;
    return unreadable(opts, path, err);
  }
}

function tooLarge(opts: BoundedReadOptions, path: string, size: number | undefined): never {
  const measured = size === undefined ? 'more than' : `${size} bytes, more than`;
  return fail('LIMIT_EXCEEDED', `${opts.what} ${path} is ${measured} the limit of ${opts.maxBytes} bytes`, {
    details: { path, limit: opts.maxBytes, ...(size !== undefined && { size }), ...(opts.flag !== undefined && { flag: opts.flag }) },
    ...(opts.flag !== undefined && { hints: [`raise the limit with ${opts.flag}`] }),
  });
}

/**
 * Reads a whole small file (key, bundle, trusted root, SBOM, evidence, policy, manifest), never
 * more than `maxBytes`.
 * @throws VouchError LIMIT_EXCEEDED, INPUT_UNREADABLE, or `missing`
 */
export async function readInputFile(path: string, opts: BoundedReadOptions): Promise<Buffer> {
  const { handle, size } = await openInputFile(path, opts);
  try {
    if (size > opts.maxBytes) tooLarge(opts, path, size);
    const buf = Buffer.alloc(size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      // The file grew after it was measured: what is read now is not what was measured.
      if (length > opts.maxBytes) tooLarge(opts, path, undefined);
      if (length === buf.length) fail('INPUT_UNREADABLE', `${opts.what} ${path} changed while it was read`);
    }
    return buf.subarray(0, length);
  } catch (err) {
    if (err instanceof VouchError) throw err;
    return unreadable(opts, path, err);
  } finally {
    await handle.close();
  }
}

/** A regular file opened as a stream (artifact, apk, docker archive, layout blob): read once, never whole. */
export async function openInputStream(
  path: string,
  opts: InputFileOptions & { readonly signal?: AbortSignal; readonly chunkBytes?: number },
): Promise<{ readonly stream: Readable; readonly size: number }> {
  const { handle, size } = await openInputFile(path, opts);
  // node allocates a whole chunk per read: a small file gets a buffer of its own size, not 1 MiB.
  const chunk = Math.max(1, Math.min(opts.chunkBytes ?? 64 * 1024, size));
  const stream = handle.createReadStream({ autoClose: true, highWaterMark: chunk, ...(opts.signal && { signal: opts.signal }) });
  return { stream, size };
}

/**
 * A regular file read in chunks through ONE reused buffer of `chunkBytes`: each chunk is valid
 * only until the next one is asked for, so a consumer must copy whatever it keeps. Readers of
 * large inputs that hash and inflate each chunk at once (the apk path) use it: a fresh buffer per
 * chunk is external memory for V8 to account for, and with a loaded heap that alone triggered a
 * full garbage collection every few MiB (half of the CPU time of reading a 100 MB package).
 * The handle is closed when iteration ends, early or not; the signal is checked between reads.
 */
export async function openInputChunks(
  path: string,
  opts: InputFileOptions & { readonly signal?: AbortSignal; readonly chunkBytes: number },
): Promise<{ readonly stream: AsyncIterable<Buffer>; readonly size: number }> {
  const { handle, size } = await openInputFile(path, opts);
  async function* chunks(): AsyncGenerator<Buffer> {
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(opts.chunkBytes, size)));
    try {
      for (let position = 0; ; ) {
        opts.signal?.throwIfAborted();
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buf, 0, buf.length, position));
        } catch (err) {
          return unreadable(opts, path, err);
        }
        if (bytesRead === 0) return;
        position += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }
  return { stream: chunks(), size };
}

/**
 * The names in a directory of inputs (a keyring), at most `maxEntries` of them counted before any
 * is kept, so that a directory of millions of entries is refused rather than listed.
 * @throws VouchError LIMIT_EXCEEDED, INPUT_UNREADABLE, or `missing`
 */
export async function listInputDirectory(dir: string, opts: InputFileOptions & { readonly maxEntries: number }): Promise<string[]> {
  let info: Stats;
  try {
    info = await stat(dir);
  } catch (err) {
    return unreadable(opts, dir, err);
  }
  if (!info.isDirectory()) fail('INPUT_UNREADABLE', `${opts.what} ${dir} is ${kindOf(info)}, not a directory`);
  const names: string[] = [];
  try {
    for await (const entry of await opendir(dir)) {
      if (names.length >= opts.maxEntries) {
        fail('LIMIT_EXCEEDED', `${opts.what} ${dir} holds more than ${opts.maxEntries} entries`, { details: { path: dir, limit: opts.maxEntries } });
      }
      names.push(entry.name);
    }
  } catch (err) {
    if (err instanceof VouchError) throw err;
    return unreadable(opts, dir, err);
  }
  return names.sort();
}

/**
 * The names in one directory of a root filesystem being walked, as bytes (a name need not be
 * UTF-8), sorted by bytes, at most `maxEntries` + 1 of them read (the caller's cap decides). The
 * directory must still be the one the caller examined (same device and inode) after it was
 * listed: a directory swapped for a link to elsewhere while it was read is refused.
 * @throws VouchError INPUT_UNREADABLE
 */
export async function listDirectoryNames(dir: Buffer, expected: Stats, opts: InputFileOptions & { readonly maxEntries: number }): Promise<Buffer[]> {
  const names: Buffer[] = [];
  try {
    for await (const entry of await opendir(dir, { encoding: 'buffer' as BufferEncoding })) {
      names.push(entry.name as unknown as Buffer);
      if (names.length > opts.maxEntries) break;
    }
  } catch (err) {
    return fail('INPUT_UNREADABLE', `cannot read ${opts.what}: ${messageOf(err)}`, { cause: err });
  }
  let after: Stats;
  try {
    after = await lstat(dir);
  } catch (err) {
    return fail('INPUT_UNREADABLE', `cannot read ${opts.what}: ${messageOf(err)}`, { cause: err });
  }
  if (!after.isDirectory() || after.ino !== expected.ino || after.dev !== expected.dev) fail('INPUT_UNREADABLE', `${opts.what} changed while it was read`);
  return names.sort(Buffer.compare);
}
