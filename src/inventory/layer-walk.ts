import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { VouchError } from '../errors.js';
import { displayName, encodeName } from '../sources/tar/names.js';
import { readTar, TarFormatError } from '../sources/tar/reader.js';
import type { TarEntryType } from '../sources/tar/reader.js';
import type { FileType, InventoryFile } from './types.js';
import type { Whiteout } from './layer-paths.js';
import { normaliseEntryPath, normaliseHardlinkTarget, whiteoutOf } from './layer-paths.js';
import type { ProgressTask } from '../progress.js';

export interface LayerWalkOptions {
  readonly maxEntries: number;
  /** Largest file whose content is kept (the apk database, SBOMs); larger ones are reported. */
  readonly maxCaptureBytes: number;
  /** Which paths' contents to keep in memory. */
  readonly capture: (path: string) => boolean;
  /** The image-wide entry budget, shared by the layers read in parallel. */
  readonly budget?: EntryBudget;
  /**
   * Read ".wh." names as OCI whiteouts (default). A root filesystem tar (`docker export`) is not
   * a layer: there such a name is an ordinary file, and reading it as a whiteout would hide it.
   */
  readonly whiteouts?: boolean;
  /** Told of every entry seen. */
  readonly progress?: ProgressTask;
}

/**
 * Entries left for the whole image: per-layer caps alone let many layers together exhaust memory
 * (every entry's metadata is kept until the layers are squashed).
 */
export class EntryBudget {
  private used = 0;
  constructor(
    readonly max: number,
    private readonly flag: string,
  ) {}

  take(what: string): void {
    if (++this.used > this.max) throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `${what}: the image has more than ${this.max} entries in all its layers (raise with ${this.flag})`, details: { limit: this.max, flag: this.flag } });
  }
}

/** What one layer contributes, in entry order; applied to the file table later, in layer order. */
export interface LayerContents {
  readonly entries: InventoryFile[];
  readonly whiteouts: Whiteout[];
  readonly captured: Map<string, Buffer>;
  /** Captured paths whose content exceeded the cap (reported, not read). */
  readonly oversized: string[];
}

/**
 * Reads one uncompressed layer tar: per-file metadata plus SHA-256 and SHA-1 computed while the
 * content streams; nothing but the captured documents is held in memory. The tar is read as Go's
 * archive/tar reads it (containerd and umoci unpack with it) and refused where readers differ
 * (sources/tar/reader.ts): LAYER_INVALID, naming the layer and the entry.
 */
export async function walkLayer(tar: Readable, layer: string, opts: LayerWalkOptions): Promise<LayerContents> {
  const out: LayerContents = { entries: [], whiteouts: [], captured: new Map(), oversized: [] };
  // Paths this layer has already produced, to catch a whiteout that follows them (below).
  const seen = new Set<string>();
  const seenDirs = new Set<string>();
  let count = 0;
  try {
    for await (const entry of readTar(tar)) {
      const { header } = entry;
      if (++count > opts.maxEntries) {
        throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `layer ${layer}: more than ${opts.maxEntries} entries (raise with --max-entries)`, details: { limit: opts.maxEntries, flag: '--max-entries' } });
      }
      opts.budget?.take(`layer ${layer}`);
      opts.progress?.entry();
      const where = `layer ${layer}: entry ${entry.index}`;
      const path = normaliseEntryPath(header.name, where);
      if (path === '') continue;
      const wh = opts.whiteouts === false ? undefined : whiteoutOf(path);
      if (wh) {
        // containerd applies a whiteout when it meets it, so it also deletes what this layer put
        // there before it; the OCI spec says a whiteout hides lower layers only. The readings
        // differ, so such a layer is refused.
        const target = wh.kind === 'remove' ? wh.path : undefined;
        if (target !== undefined && (seen.has(target) || seenDirs.has(target))) {
          throw invalid(`${where} "${displayName(header.name)}": whiteout of a path the same layer created before it`);
        }
        out.whiteouts.push(wh);
        continue;
      }
      seen.add(path);
      for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) seenDirs.add(path.slice(0, i));
      const type = fileTypeOf(header.type);
      const base = { path, type, mode: header.mode & 0o7777, uid: header.uid, gid: header.gid, layer };
      if (type === 'file') {
        const sha256 = createHash('sha256');
        const sha1 = createHash('sha1');
        const keep = opts.capture(path) ? ([] as Buffer[]) : undefined;
        let size = 0;
        for await (const chunk of entry.content) {
          sha256.update(chunk);
          sha1.update(chunk);
          size += chunk.length;
          if (keep && size <= opts.maxCaptureBytes) keep.push(chunk);
        }
        if (keep) {
          if (size <= opts.maxCaptureBytes) out.captured.set(path, Buffer.concat(keep));
          else out.oversized.push(path);
        }
        out.entries.push({ ...base, size, sha256: sha256.digest('hex'), sha1: sha1.digest('hex') });
      } else if (type === 'symlink') {
        const target = header.linkname;
        // apk's Z: for a symlink is the SHA-1 of its target text; keep both digests of it.
        out.entries.push({ ...base, size: 0, linkTarget: target, sha1: createHash('sha1').update(encodeName(target)).digest('hex') });
      } else if (type === 'hardlink') {
        out.entries.push({ ...base, size: 0, linkTarget: normaliseHardlinkTarget(header.linkname, where) });
      } else {
        out.entries.push({ ...base, size: 0 });
      }
    }
  } catch (err) {
    tar.destroy();
    if (err instanceof TarFormatError) throw invalid(`layer ${layer}: ${err.message}`, err);
    if (err instanceof VouchError) throw err;
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `layer ${layer}: ${(err as Error).message}`, cause: err });
  }
  return out;
}

function invalid(message: string, cause?: unknown): VouchError {
  return new VouchError({ code: 'LAYER_INVALID', message, ...(cause !== undefined && { cause }) });
}

function fileTypeOf(type: TarEntryType): FileType {
  switch (type) {
    case 'file':
      return 'file';
    case 'dir':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'hardlink':
      return 'hardlink';
    case 'char':
    case 'block':
    case 'fifo':
      return 'other';
  }
}
