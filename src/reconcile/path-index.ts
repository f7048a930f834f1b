import type { InstalledPackage, InventoryFile, OwnedFile } from '../inventory/types.js';

/**
 * The one index the file level works from: every owned path once, with its owners, built in a
 * single pass over the database. Lookups into the image go through `lookup`, which follows
 * directory symlinks (usr-merged images install lib/x as usr/lib/x) with a bounded number of hops.
 */
export interface Ownership {
  readonly pkg: InstalledPackage;
  readonly file?: OwnedFile;
  readonly dir?: InstalledPackage['dirs'][number];
}

export interface PathIndex {
  readonly packages: readonly InstalledPackage[];
  /** Owned path -> its owners (more than one is a finding). */
  readonly owners: ReadonlyMap<string, readonly Ownership[]>;
  /** The image entry at a path, following symlinked parent directories. */
  lookup(path: string): { readonly path: string; readonly file: InventoryFile } | undefined;
  /** The key of the image entry a path names (itself when present), without allocating. */
  resolve(path: string): string | undefined;
}

const MAX_HOPS = 40;

/**
 * The owner whose record counts: a package that declares it replaces the others (apk's r:) wins,
 * as apk moves ownership to it on install; otherwise the first file owner.
 */
export function effectiveOwner(owners: readonly Ownership[]): Ownership | undefined {
  if (owners.length === 1) return owners[0];
  const files = owners.filter((o) => o.file);
  const replacing = files.find((o) => files.every((other) => other.pkg === o.pkg || (o.pkg.replaces ?? []).includes(other.pkg.name)));
  return replacing ?? files[0] ?? owners[0];
}

export function buildPathIndex(packages: readonly InstalledPackage[], files: ReadonlyMap<string, InventoryFile>): PathIndex {
  const owners = new Map<string, Ownership[]>();
  const own = (path: string, o: Ownership): void => {
    const list = owners.get(path);
    if (list) list.push(o);
    else owners.set(path, [o]);
  };
  for (const pkg of packages) {
    for (const dir of pkg.dirs) if (dir.path !== '') own(dir.path, { pkg, dir });
    for (const file of pkg.files) own(file.path, { pkg, file });
  }
  return {
    packages,
    owners,
    lookup: (path) => lookup(path, files),
    resolve: (path) => (files.has(path) ? path : lookup(path, files)?.path),
  };
}

function lookup(path: string, files: ReadonlyMap<string, InventoryFile>): { path: string; file: InventoryFile } | undefined {
  const direct = files.get(path);
  if (direct) return { path, file: direct };
  // Resolve the parent directories through symlinks, as the kernel would when apk wrote the file.
  let parts = path.split('/');
  for (let hops = 0, i = 0; i < parts.length - 1; i++) {
    const prefix = parts.slice(0, i + 1).join('/');
    const entry = files.get(prefix);
    if (!entry || entry.type !== 'symlink' || entry.linkTarget === undefined) continue;
    if (++hops > MAX_HOPS) return undefined;
    const base = entry.linkTarget.startsWith('/') ? [] : parts.slice(0, i);
    const target = normalise([...base, ...entry.linkTarget.split('/')]);
    if (target === undefined) return undefined;
    parts = [...target, ...parts.slice(i + 1)];
    i = -1;
  }
  const resolved = parts.join('/');
  const file = files.get(resolved);
  return file ? { path: resolved, file } : undefined;
}

/** Collapses "." and ".." (never above the root, which is where a rootfs symlink ends). */
function normalise(segments: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out.length > 0 ? out : undefined;
}
