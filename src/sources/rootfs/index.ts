/**
 * `vouch rootfs DIR|TAR`: the root filesystem to audit, as a directory walked in place or as one
 * tar file. The path the user names is followed if it is a symbolic link (that is how users point
 * at things); nothing below it ever is.
 */
import { stat } from 'node:fs/promises';
import { fail, messageOf } from '../../errors.js';
import { openRootfsTar } from './open-tar.js';
import type { RootfsTar } from './open-tar.js';

export { MAX_ROOTFS_DEPTH, walkDirectory } from './walk-directory.js';
export type { DirectoryWalkCaps, RootEntry, RootEntryType } from './walk-directory.js';
export type { RootfsTar } from './open-tar.js';

export type RootfsSource = { readonly kind: 'directory'; readonly path: string } | { readonly kind: 'tar'; readonly path: string; readonly tar: RootfsTar };

export async function openRootfs(path: string, signal?: AbortSignal): Promise<RootfsSource> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    return fail('INPUT_UNREADABLE', `cannot read the root filesystem ${path}: ${messageOf(err)}`, { cause: err });
  }
  if (info.isDirectory()) return { kind: 'directory', path };
  if (info.isFile()) return { kind: 'tar', path, tar: await openRootfsTar(path, signal) };
  return fail('INPUT_UNREADABLE', `the root filesystem ${path} is neither a directory nor a regular file (a tar); vouch reads no devices, FIFOs or sockets`);
}
