import { createHash } from 'node:crypto';
import type { RunContext } from '../context.js';
import { startProgress } from '../progress.js';
import type { ProgressTask } from '../progress.js';
import type { RootEntry, RootEntryType, RootfsSource } from '../sources/rootfs/index.js';
import { walkDirectory } from '../sources/rootfs/index.js';
import { encodeName } from '../sources/tar/names.js';
import { FileTable } from './file-table.js';
import type { ImageFilesystem } from './image-inventory.js';
import { CAPTURED_PATH } from './image-inventory.js';
import { uncompressedLayer } from './layer-stream.js';
import type { LayerContents } from './layer-walk.js';
import { walkLayer } from './layer-walk.js';
import type { FileType, InventoryFile } from './types.js';

export interface RootfsLimits {
  readonly maxDecompressedBytes: number;
  readonly maxEntries: number;
  readonly maxRatio: number;
  readonly maxDocumentBytes: number;
  readonly maxZstdWindow?: number;
}

export interface RootfsFilesystem extends ImageFilesystem {
  /** sha256 of the tar file, or of the directory's canonical listing (listingDigest). */
  readonly digest: string;
  /** Directories on another device that the walk did not enter (directories only). */
  readonly mountPoints: readonly string[];
}

/**
 * The file table of a root filesystem, the same table an image's layers build, so that the
 * apk database, the embedded SBOMs and the reconciliation read it exactly as they read an image.
 * A tar goes through the image layer reader (one layer; ".wh." names are ordinary files here);
 * a directory is walked in place (sources/rootfs) and hashed as it is read.
 */
export async function readRootfsFilesystem(source: RootfsSource, limits: RootfsLimits, ctx: RunContext): Promise<RootfsFilesystem> {
  const table = new FileTable();
  switch (source.kind) {
    case 'tar': {
      // Bytes of the tar file as stored (compressed or not) against its size, and entries.
      const progress = startProgress(ctx.progress, 'tree', source.path, source.tar.size);
      const tar = uncompressedLayer(source.tar.stream, source.tar.compression, limits, undefined, `root filesystem ${source.path}`, progress);
      const contents = await walkLayer(tar, 'rootfs', { maxEntries: limits.maxEntries, maxCaptureBytes: limits.maxDocumentBytes, capture: (p) => CAPTURED_PATH.test(p), whiteouts: false, progress });
      progress.end();
      table.apply(contents);
      return { table, layers: [], config: {}, digest: source.tar.digest(), mountPoints: [] };
    }
    case 'directory': {
      const contents: LayerContents = { entries: [], whiteouts: [], captured: new Map(), oversized: [] };
      const mountPoints: string[] = [];
      // A directory has no total: entries walked and bytes of file content read.
      const progress = startProgress(ctx.progress, 'tree', source.path);
      for await (const entry of walkDirectory(source.path, { maxEntries: limits.maxEntries, maxBytes: limits.maxDecompressedBytes }, ctx.signal)) {
        if (entry.mountPoint) mountPoints.push(entry.path);
        progress.entry();
        contents.entries.push(await inventoryFileOf(entry, contents, limits.maxDocumentBytes, progress));
      }
      progress.end();
      table.apply(contents);
      return { table, layers: [], config: {}, digest: listingDigest(table.files), mountPoints };
    }
  }
}

/** One walked entry as the inventory keeps it: the file's digests computed as it streams. */
async function inventoryFileOf(entry: RootEntry, contents: LayerContents, maxCapture: number, progress: ProgressTask): Promise<InventoryFile> {
  const base = { path: entry.path, type: fileTypeOf(entry.type), mode: entry.mode, uid: entry.uid, gid: entry.gid };
  if (entry.type === 'symlink') {
    const target = entry.linkTarget ?? '';
    // apk's Z: for a symlink is the SHA-1 of its target text, as for a layer's symlink.
    return { ...base, size: 0, linkTarget: target, sha1: createHash('sha1').update(encodeName(target)).digest('hex') };
  }
  if (entry.type !== 'file' || !entry.content) return { ...base, size: 0 };
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  const keep = CAPTURED_PATH.test(entry.path) ? ([] as Buffer[]) : undefined;
  let size = 0;
  for await (const chunk of entry.content()) {
    sha256.update(chunk);
    sha1.update(chunk);
    size += chunk.length;
    progress.bytes(chunk.length);
    if (keep && size <= maxCapture) keep.push(chunk);
  }
  if (keep) {
    if (size <= maxCapture) contents.captured.set(entry.path, Buffer.concat(keep));
    else contents.oversized.push(entry.path);
  }
  return { ...base, size, sha256: sha256.digest('hex'), sha1: sha1.digest('hex') };
}

function fileTypeOf(type: RootEntryType): FileType {
  switch (type) {
    case 'file':
      return 'file';
    case 'dir':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'char':
    case 'block':
    case 'fifo':
    case 'socket':
      return 'other';
  }
}

/**
 * A directory has no bytes of its own to digest, so its subject digest is the SHA-256 of a
 * canonical listing: one JSON array per path, sorted by path, of [path, type, mode, uid, gid,
 * size, sha256 or link target]. Two roots with the same digest hold the same paths with the same
 * contents, kinds and permission bits; the listing is documented in docs/rootfs.md.
 */
export function listingDigest(files: ReadonlyMap<string, InventoryFile>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) {
    const f = files.get(path) as InventoryFile;
    hash.update(`${JSON.stringify([f.path, f.type, f.mode, f.uid, f.gid, f.size, f.sha256 ?? f.linkTarget ?? ''])}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
