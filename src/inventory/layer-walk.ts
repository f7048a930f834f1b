import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { Header } from 'tar-stream';
import { VouchError } from '../errors.js';
import type { FileType, InventoryFile } from './types.js';
import type { Whiteout } from './layer-paths.js';
import { normaliseEntryPath, normaliseHardlinkTarget, whiteoutOf } from './layer-paths.js';

export interface LayerWalkOptions {
  readonly maxEntries: number;
  /** Largest file whose content is kept (the apk database, SBOMs); larger ones are reported. */
  readonly maxCaptureBytes: number;
  /** Which paths' contents to keep in memory. */
  readonly capture: (path: string) => boolean;
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
 * content streams; nothing but the captured documents is held in memory.
 */
export async function walkLayer(tar: Readable, layer: string, opts: LayerWalkOptions): Promise<LayerContents> {
  const out: LayerContents = { entries: [], whiteouts: [], captured: new Map(), oversized: [] };
  const ex = extract();
  const failed = new Promise<never>((_, reject) => tar.once('error', reject));
  failed.catch(() => undefined);
  tar.pipe(ex);
  let count = 0;
  const walk = (async () => {
    for await (const entry of ex) {
      if (++count > opts.maxEntries) throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `layer ${layer}: more than ${opts.maxEntries} entries` });
      const header = entry.header as Header;
      const path = normaliseEntryPath(header.name, `layer ${layer}`);
      if (path === '') {
        entry.resume();
        continue;
      }
      const wh = whiteoutOf(path);
      if (wh) {
        out.whiteouts.push(wh);
        entry.resume();
        continue;
      }
      const type = fileTypeOf(header.type);
      const base = { path, type, mode: (header.mode ?? 0) & 0o7777, uid: header.uid ?? 0, gid: header.gid ?? 0, layer };
      if (type === 'file') {
        const sha256 = createHash('sha256');
        const sha1 = createHash('sha1');
        const keep = opts.capture(path) ? ([] as Buffer[]) : undefined;
        let size = 0;
        for await (const chunk of entry as AsyncIterable<Buffer>) {
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
        continue;
      }
      entry.resume();
      if (type === 'symlink') {
        const target = header.linkname ?? '';
        // apk's Z: for a symlink is the SHA-1 of its target text; keep both digests of it.
        out.entries.push({ ...base, size: 0, linkTarget: target, sha1: createHash('sha1').update(target).digest('hex') });
      } else if (type === 'hardlink') {
        out.entries.push({ ...base, size: 0, linkTarget: normaliseHardlinkTarget(header.linkname ?? '', `layer ${layer}`) });
      } else {
        out.entries.push({ ...base, size: 0 });
      }
    }
  })();
  try {
    await Promise.race([walk, failed]);
  } catch (err) {
    ex.destroy();
    tar.destroy();
    if (err instanceof VouchError) throw err;
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `layer ${layer}: ${(err as Error).message}`, cause: err });
  }
  return out;
}

function fileTypeOf(type: Header['type'] | null | undefined): FileType {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}
