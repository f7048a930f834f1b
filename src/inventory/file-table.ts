import type { Whiteout } from './layer-paths.js';
import { isUnder } from './layer-paths.js';
import type { LayerContents } from './layer-walk.js';
import type { InventoryFile } from './types.js';

/**
 * The squashed view of an image's filesystem, built by applying layers in order with OCI whiteout
 * semantics. Only metadata is kept per path (plus the few captured documents).
 */
export class FileTable {
  readonly files = new Map<string, InventoryFile>();
  readonly captured = new Map<string, Buffer>();
  readonly oversized = new Set<string>();
  /** Every directory some entry was placed under (explicit or implied); may over-approximate. */
  private readonly parents = new Set<string>();

  apply(layer: LayerContents): void {
    // Whiteouts hide lower layers only, so they go first whatever their place in the tar.
    for (const wh of layer.whiteouts) this.whiteout(wh);
    for (const entry of layer.entries) this.put(entry, layer);
  }

  private whiteout(wh: Whiteout): void {
    if (wh.kind === 'remove') {
      this.remove(wh.path);
      this.removeUnder(wh.path);
    } else {
      this.removeUnder(wh.dir);
    }
  }

  private put(entry: InventoryFile, layer: LayerContents): void {
    // A non-directory replacing a directory (explicit or implied) hides everything below it.
    if (entry.type !== 'dir' && this.parents.has(entry.path)) this.removeUnder(entry.path);
    for (let i = entry.path.indexOf('/'); i > 0; i = entry.path.indexOf('/', i + 1)) this.parents.add(entry.path.slice(0, i));
    let file = entry;
    if (entry.type === 'hardlink' && entry.linkTarget !== undefined) {
      const target = this.files.get(entry.linkTarget);
      if (target?.type === 'file') {
        file = { ...entry, size: target.size, ...(target.sha256 ? { sha256: target.sha256 } : {}), ...(target.sha1 ? { sha1: target.sha1 } : {}) };
        const content = this.captured.get(entry.linkTarget);
        if (content) this.captured.set(entry.path, content);
      }
    }
    this.files.set(entry.path, file);
    const content = layer.captured.get(entry.path);
    if (content) this.captured.set(entry.path, content);
    else if (entry.type !== 'hardlink') this.captured.delete(entry.path);
    if (layer.oversized.includes(entry.path)) this.oversized.add(entry.path);
    else this.oversized.delete(entry.path);
  }

  private remove(path: string): void {
    this.files.delete(path);
    this.captured.delete(path);
    this.oversized.delete(path);
  }

  private removeUnder(dir: string): void {
    for (const path of [...this.files.keys()]) if (isUnder(path, dir)) this.remove(path);
  }
}
