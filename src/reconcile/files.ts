import { createHash } from 'node:crypto';
import { assertNever } from '../errors.js';
import { displayName } from '../evidence/display-name.js';
import type { Finding } from '../evidence/types.js';
import { apkChecksumAlgorithm, apkChecksumMatches, apkChecksumOfSha1 } from '../inventory/apk-db.js';
import type { InventoryFile, Inventory } from '../inventory/types.js';
import { FILE_CODES } from './codes.js';
import { effectiveOwner } from './path-index.js';
import type { Ownership, PathIndex } from './path-index.js';
import type { ReconcileOptions } from './types.js';

/**
 * File level, with `apk audit --full` semantics on the image's squashed file table: every path the
 * database says a package owns must be there, as the same kind of entry, with the recorded Z:
 * checksum and permission bits; every other non-directory entry is unowned (the policy's
 * allow-list decides which of those image builders are expected to write). One pass over the
 * owned paths, one over the image: linear in both.
 */
export interface FileCounts {
  matched: number;
  missing: number;
  modified: number;
  unowned: number;
}

// apk's defaults for entries without a: / M: lines (apk-tools: apk_default_acl_file / _dir).
const DEFAULT_FILE_MODE = 0o644;

export function reconcileOwnedFiles(index: PathIndex, inventory: Inventory, options: ReconcileOptions, findings: Finding[]): FileCounts {
  const counts: FileCounts = { matched: 0, missing: 0, modified: 0, unowned: 0 };
  // Each image entry an owned path resolves to, with its first file owner ('' for directories):
  // lib/x and usr/lib/x are one file on a usr-merged image. Sets exist only for shared files.
  const claimed = new Map<string, string>();
  const shared = new Map<string, Set<string>>();
  for (const [path, owners] of index.owners) {
    const owner = effectiveOwner(owners);
    if (!owner) continue;
    const key = index.resolve(path);
    for (const o of owners) {
      if (!o.file) continue;
      const first = claimed.get(key ?? path);
      if (!first) claimed.set(key ?? path, o.pkg.name);
      else if (first !== o.pkg.name) shared.set(key ?? path, (shared.get(key ?? path) ?? new Set([first])).add(o.pkg.name));
    }
    const file = key === undefined ? undefined : inventory.files.get(key);
    if (key === undefined || file === undefined) {
      counts.missing++;
      findings.push({ level: 'file', code: FILE_CODES.FILE_MISSING, package: owner.pkg.name, path, message: `${displayName(path)} (${owner.file ? 'file' : 'directory'} of ${owner.pkg.name}) is not in the image`, expected: owner.file?.checksum ?? 'directory', found: 'absent' });
      continue;
    }
    if (!claimed.has(key)) claimed.set(key, '');
    const problems = owner.file ? checkFile(owner, file, inventory, options) : checkDir(owner, file);
    if (problems === undefined) {
      counts.matched++;
      continue;
    }
    counts.modified++;
    for (const p of problems) findings.push({ level: 'file', package: owner.pkg.name, path, ...p });
  }
  for (const [path, set] of shared) {
    if (replacesAllOthers(set, index)) continue;
    const names = [...set].sort();
    findings.push({ level: 'file', code: FILE_CODES.FILE_OWNED_TWICE, package: names.join(','), path, message: `${displayName(path)} is owned by ${names.join(' and ')}`, expected: 'one owner', found: names.join(', ') });
  }
  for (const [path, file] of inventory.files) {
    if (file.type === 'dir' || claimed.has(path) || index.owners.has(path)) continue;
    counts.unowned++;
    findings.push({ level: 'file', code: FILE_CODES.FILE_UNOWNED, path, message: `${displayName(path)} (${file.type}) is in the image but no package owns it`, expected: 'owned by a package', found: describe(file) });
  }
  return counts;
}

function replacesAllOthers(names: ReadonlySet<string>, index: PathIndex): boolean {
  const pkgs = index.packages.filter((p) => names.has(p.name));
  return pkgs.some((p) => pkgs.every((other) => other === p || (p.replaces ?? []).includes(other.name)));
}

type Problem = Pick<Finding, 'code' | 'message' | 'expected' | 'found'>;

/** The problems of one owned file; undefined when it is exactly as installed (the common case, kept allocation-free). */
function checkFile(owner: Ownership, file: InventoryFile, inventory: Inventory, options: ReconcileOptions): Problem[] | undefined {
  const owned = owner.file;
  if (!owned) return undefined;
  if (file.type === 'dir' || file.type === 'other') {
    return [{ code: FILE_CODES.FILE_TYPE_MISMATCH, message: `${owned.path} should be a file of ${owner.pkg.name} but is a ${file.type}`, expected: 'file', found: file.type }];
  }
  const problems: Problem[] = [];
  if (owned.checksum !== undefined) {
    const algorithm = apkChecksumAlgorithm(owned.checksum);
    const actual = algorithm ? digestOf(file, algorithm, inventory) : undefined;
    const same = actual === undefined ? undefined : apkChecksumMatches(owned.checksum, actual);
    if (algorithm === undefined || actual === undefined || same === undefined) {
      problems.push({ code: FILE_CODES.FILE_UNVERIFIABLE, message: `${owned.path}: no ${algorithm ?? 'usable'} digest to compare with ${owned.checksum}`, expected: owned.checksum, found: 'no digest' });
    } else if (!same) {
      const found = algorithm === 'sha1' ? apkChecksumOfSha1(actual) : `${algorithm}:${actual}`;
      problems.push({ code: FILE_CODES.FILE_MODIFIED, message: `${owned.path} differs from what ${owner.pkg.name} installed`, expected: owned.checksum, found });
    }
  }
  // Symlink permissions carry no meaning on Linux and tar writers disagree on them.
  if (file.type !== 'symlink') {
    const mode = owned.mode ?? DEFAULT_FILE_MODE;
    if ((file.mode & 0o7777) !== (mode & 0o7777)) {
      problems.push({ code: FILE_CODES.FILE_MODE_MISMATCH, message: `${owned.path} has mode ${octal(file.mode)}, ${owner.pkg.name} installed it as ${octal(mode)}`, expected: octal(mode), found: octal(file.mode) });
    }
  }
  if (options.checkOwnership) {
    const expected = `${owned.uid ?? 0}:${owned.gid ?? 0}`;
    const found = `${file.uid}:${file.gid}`;
    if (expected !== found) problems.push({ code: FILE_CODES.FILE_OWNER_MISMATCH, message: `${owned.path} is owned by ${found}, expected ${expected}`, expected, found });
  }
  return problems.length > 0 ? problems : undefined;
}

function checkDir(owner: Ownership, file: InventoryFile): Problem[] | undefined {
  const dir = owner.dir;
  if (!dir) return undefined;
  // A usr-merged image replaces some directories with symlinks into usr/: still a directory.
  if (file.type !== 'dir' && file.type !== 'symlink') {
    return [{ code: FILE_CODES.FILE_TYPE_MISMATCH, message: `${dir.path} should be a directory of ${owner.pkg.name} but is a ${file.type}`, expected: 'dir', found: file.type }];
  }
  if (file.type === 'dir' && dir.mode !== undefined && (file.mode & 0o7777) !== (dir.mode & 0o7777)) {
    return [{ code: FILE_CODES.FILE_MODE_MISMATCH, message: `${dir.path} has mode ${octal(file.mode)}, ${owner.pkg.name} recorded ${octal(dir.mode)}`, expected: octal(dir.mode), found: octal(file.mode) }];
  }
  return undefined;
}

/** The digest apk would compute: the content's, the link target's for symlinks (apk-tools). */
function digestOf(file: InventoryFile, algorithm: 'sha1' | 'sha256', inventory: Inventory): string | undefined {
  if (file.type === 'symlink') return file.linkTarget === undefined ? undefined : createHash(algorithm).update(file.linkTarget).digest('hex');
  if (file.type === 'hardlink' && file[algorithm] === undefined && file.linkTarget !== undefined) {
    const target = inventory.files.get(file.linkTarget.replace(/^\/+/, ''));
    return target?.type === 'file' ? target[algorithm] : undefined;
  }
  return file[algorithm];
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}

/** What was found, in words a person reads without knowing tar's type letters. */
function describe(file: InventoryFile): string {
  switch (file.type) {
    case 'file':
      return `regular file, mode ${octal(file.mode)}, ${file.size} bytes${file.sha256 ? `, sha256:${file.sha256}` : ''}`;
    case 'dir':
      return `directory, mode ${octal(file.mode)}`;
    case 'symlink':
      return `symbolic link to ${file.linkTarget ?? '(no target)'}`;
    case 'hardlink':
      return `hard link to ${file.linkTarget ?? '(no target)'}`;
    case 'other':
      // Device nodes and FIFOs are never read (see docs/security.md); only their presence counts.
      return `special file (device node or FIFO), mode ${octal(file.mode)}`;
    default:
      return assertNever(file.type, 'file type');
  }
}
