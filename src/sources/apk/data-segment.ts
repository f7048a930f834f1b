import { createHash } from 'node:crypto';
import { isVouchError, messageOf, VouchError } from '../../errors.js';
import { displayName, encodeName } from '../tar/names.js';
import { readTar } from '../tar/reader.js';
import { normaliseEntryPath, unsafePathReason } from './paths.js';

/** The PAX record abuild and melange write on every data entry: hex SHA-1 of the content. */
export const APK_CHECKSUM_PAX = 'APK-TOOLS.checksum.SHA1';
/** Where melange puts a package's SPDX SBOM. */
export const SBOM_DIR = 'var/lib/db/sbom/';
/** How many mismatching, unchecked or unsafe paths are kept for the report (the counts are exact). */
export const FIRST_PATHS = 20;

export interface ChecksumMismatch {
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

export interface EmbeddedSbom {
  readonly path: string;
  readonly size: number;
  /** Undefined when the file was larger than maxDocumentBytes (not read). */
  readonly content?: Buffer;
}

/** What streaming the data tar established. Path lists hold the first FIRST_PATHS, in tar order. */
export interface DataSummary {
  readonly entries: number;
  readonly files: number;
  readonly directories: number;
  readonly symlinks: number;
  readonly hardlinks: number;
  readonly other: number;
  /** Sum of regular-file sizes. */
  readonly contentBytes: number;
  readonly checksumsVerified: number;
  readonly mismatches: readonly ChecksumMismatch[];
  readonly mismatchCount: number;
  /** Regular files without an APK-TOOLS.checksum.SHA1 record. */
  readonly unchecked: readonly string[];
  readonly uncheckedCount: number;
  readonly unsafePaths: readonly { readonly path: string; readonly reason: string }[];
  readonly unsafeCount: number;
  readonly sboms: readonly EmbeddedSbom[];
}

export interface DataSegmentOptions {
  readonly maxEntries: number;
  readonly maxDocumentBytes: number;
}

export function emptyDataSummary(): DataSummary {
  return {
    entries: 0, files: 0, directories: 0, symlinks: 0, hardlinks: 0, other: 0, contentBytes: 0, checksumsVerified: 0,
    mismatches: [], mismatchCount: 0, unchecked: [], uncheckedCount: 0, unsafePaths: [], unsafeCount: 0, sboms: [],
  };
}

/**
 * Reads every entry of the data tar as it streams: hashes regular files with SHA-1 and compares
 * the PAX checksum (symlinks: SHA-1 of the target, hard links: the checksum of the file they
 * name), counts entry types, reports unsafe names, and keeps embedded SBOMs (size-capped).
 * The tar is read by vouch's one tar reader (sources/tar), which refuses archives that tar
 * readers would read differently (data after the end-of-archive marker, contradicting names).
 */
export async function consumeDataSegment(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: DataSegmentOptions): Promise<DataSummary> {
  const s = { ...emptyDataSummary(), mismatches: [] as ChecksumMismatch[], unchecked: [] as string[], unsafePaths: [] as { path: string; reason: string }[], sboms: [] as EmbeddedSbom[] };
  // Hard links carry their target's checksum; keep each file's (bounded by maxEntries).
  const fileSha1 = new Map<string, string>();
  const unsafe = (path: string, reason: string): void => {
    s.unsafeCount += 1;
    if (s.unsafePaths.length < FIRST_PATHS) s.unsafePaths.push({ path: displayName(path), reason });
  };
  const check = (path: string, expected: string | undefined, found: string): void => {
    if (expected === undefined) return;
    if (expected.toLowerCase() === found) {
      s.checksumsVerified += 1;
      return;
    }
    s.mismatchCount += 1;
    if (s.mismatches.length < FIRST_PATHS) s.mismatches.push({ path: displayName(path), expected, found });
  };
  try {
    for await (const entry of readTar(source)) {
      const { header } = entry;
      s.entries += 1;
      if (s.entries > options.maxEntries) {
        throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `apk data segment has more than ${options.maxEntries} entries (raise with --max-entries)`, details: { limit: options.maxEntries, flag: '--max-entries' } });
      }
      const reason = unsafePathReason(header.name);
      if (reason !== undefined) unsafe(header.name, reason);
      const path = normaliseEntryPath(header.name);
      const expected = header.pax.get(APK_CHECKSUM_PAX);
      const type = header.type;
      if (type !== 'file') {
        if (type === 'dir') s.directories += 1;
        else if (type === 'symlink') {
          s.symlinks += 1;
          check(path, expected, createHash('sha1').update(encodeName(header.linkname)).digest('hex'));
        } else if (type === 'hardlink') {
          s.hardlinks += 1;
          const targetReason = unsafePathReason(header.linkname);
          if (targetReason !== undefined) unsafe(`${header.name} -> ${header.linkname}`, `hard link target: ${targetReason}`);
          check(path, expected, fileSha1.get(normaliseEntryPath(header.linkname)) ?? '(link target not in package)');
        } else s.other += 1;
        continue;
      }
      const keep = path.startsWith(SBOM_DIR) && path.endsWith('.json') && !path.slice(SBOM_DIR.length).includes('/');
      const keepContent = keep && header.size <= options.maxDocumentBytes;
      const hash = createHash('sha1');
      const chunks: Buffer[] = [];
      for await (const chunk of entry.content) {
        hash.update(chunk);
        if (keepContent) chunks.push(chunk);
      }
      const found = hash.digest('hex');
      s.files += 1;
      s.contentBytes += header.size;
      fileSha1.set(path, found);
      if (expected === undefined) {
        s.uncheckedCount += 1;
        if (s.unchecked.length < FIRST_PATHS) s.unchecked.push(displayName(path));
      }
      check(path, expected, found);
      if (keep) s.sboms.push({ path, size: header.size, ...(keepContent ? { content: Buffer.concat(chunks) } : {}) });
    }
  } catch (err) {
    if (isVouchError(err)) throw err;
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `apk data segment is not a readable tar stream: ${messageOf(err)}`, cause: err });
  }
  return s;
}

