/**
 * What is actually installed: the file table of a squashed image (or an apk's data segment) and
 * the apk database. Produced by the inventory builders, read by the reconciliation.
 */

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface InventoryFile {
  /** Normalised: relative to the root, no leading "./" or "/", no "..". */
  readonly path: string;
  readonly type: FileType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkTarget?: string;
  /** Lower-case hex of the content (regular files; for an apk, the PAX SHA-1 is checked apart). */
  readonly sha256?: string;
  readonly sha1?: string;
  /** Digest of the layer the visible version came from (images only). */
  readonly layer?: string;
}

/** One file an apk database record owns (an "R:" line under its "F:" directory). */
export interface OwnedFile {
  readonly path: string;
  /** The "Z:" checksum as written ("Q1" + base64 SHA-1, or "X1" + hex); absent for some entries. */
  readonly checksum?: string;
  /** From "a:uid:gid:mode" (mode in octal in the file, a number here). */
  readonly uid?: number;
  readonly gid?: number;
  readonly mode?: number;
}

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly arch?: string;
  readonly license?: string;
  readonly origin?: string;
  readonly commit?: string;
  readonly maintainer?: string;
  readonly buildTime?: string;
  /** "C:" checksum: "Q1" + base64 SHA-1 of the apk's control segment. */
  readonly checksum?: string;
  readonly size?: number;
  readonly installedSize?: number;
  readonly depends: readonly string[];
  readonly provides: readonly string[];
  /** "r:" packages whose files this one may overwrite (apk then moves their ownership to it). */
  readonly replaces?: readonly string[];
  /** Directories the package owns ("F:" lines), with their "M:" ownership where given. */
  readonly dirs: readonly { readonly path: string; readonly uid?: number; readonly gid?: number; readonly mode?: number }[];
  readonly files: readonly OwnedFile[];
}

export interface Inventory {
  /** "image" (squashed layers), "apk" (one package's data segment) or "rootfs" (a root filesystem). */
  readonly kind: 'image' | 'apk' | 'rootfs';
  /** Path of the apk database it was read from, when there was one. */
  readonly databasePath?: string;
  readonly packages: readonly InstalledPackage[];
  /** Keyed by normalised path; iteration order is not significant. */
  readonly files: ReadonlyMap<string, InventoryFile>;
}
