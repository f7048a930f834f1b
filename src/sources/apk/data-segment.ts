import { createHash } from 'node:crypto';
import type { Extract, ExtractEvents, Header } from 'tar-stream';
import { isVouchError, messageOf, VouchError } from '../../errors.js';
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

/** The readable stream tar-stream hands out for one entry. */
type Source = ExtractEvents['entry'][1];

/**
 * Reads every entry of the data tar as it streams: hashes regular files with SHA-1 and compares
 * the PAX checksum (symlinks: SHA-1 of the target, hard links: the checksum of the file they
 * name), counts entry types, reports unsafe names, and keeps embedded SBOMs (size-capped).
 */
export function consumeDataSegment(extract: Extract, options: DataSegmentOptions): Promise<DataSummary> {
  const s = { ...emptyDataSummary(), mismatches: [] as ChecksumMismatch[], unchecked: [] as string[], unsafePaths: [] as { path: string; reason: string }[], sboms: [] as EmbeddedSbom[] };
  // Hard links carry their target's checksum; keep each file's (bounded by maxEntries).
  const fileSha1 = new Map<string, string>();
  const unsafe = (path: string, reason: string): void => {
    s.unsafeCount += 1;
    if (s.unsafePaths.length < FIRST_PATHS) s.unsafePaths.push({ path, reason });
  };
  const check = (path: string, expected: string | undefined, found: string): void => {
    if (expected === undefined) return;
    if (expected.toLowerCase() === found) {
      s.checksumsVerified += 1;
      return;
    }
    s.mismatchCount += 1;
    if (s.mismatches.length < FIRST_PATHS) s.mismatches.push({ path, expected, found });
  };
  const onEntry = (header: Header, stream: Source, next: (err?: Error | null) => void): void => {
    // A failing archive destroys the entry stream too; the archive's own 'error' reports it.
    stream.on('error', () => undefined);
    s.entries += 1;
    if (s.entries > options.maxEntries) {
      next(new VouchError({ code: 'LIMIT_EXCEEDED', message: `apk data segment has more than ${options.maxEntries} entries` }));
      return;
    }
    const reason = unsafePathReason(header.name);
    if (reason !== undefined) unsafe(header.name, reason);
    const path = normaliseEntryPath(header.name);
    const expected = paxRecord(header.pax, APK_CHECKSUM_PAX);
    const type = header.type;
    if (type !== 'file' && type !== 'contiguous-file') {
      if (type === 'directory') s.directories += 1;
      else if (type === 'symlink') {
        s.symlinks += 1;
        check(path, expected, createHash('sha1').update(header.linkname ?? '').digest('hex'));
      } else if (type === 'link') {
        s.hardlinks += 1;
        const targetReason = unsafePathReason(header.linkname ?? '');
        if (targetReason !== undefined) unsafe(`${header.name} -> ${header.linkname ?? ''}`, `hard link target: ${targetReason}`);
        check(path, expected, fileSha1.get(normaliseEntryPath(header.linkname ?? '')) ?? '(link target not in package)');
      } else s.other += 1;
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    const keep = path.startsWith(SBOM_DIR) && path.endsWith('.json') && !path.slice(SBOM_DIR.length).includes('/');
    const keepContent = keep && header.size <= options.maxDocumentBytes;
    const hash = createHash('sha1');
    const chunks: Buffer[] = [];
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      if (keepContent) chunks.push(chunk);
    });
    stream.on('end', () => {
      const found = hash.digest('hex');
      s.files += 1;
      s.contentBytes += header.size;
      fileSha1.set(path, found);
      if (expected === undefined) {
        s.uncheckedCount += 1;
        if (s.unchecked.length < FIRST_PATHS) s.unchecked.push(path);
      }
      check(path, expected, found);
      if (keep) s.sboms.push({ path, size: header.size, ...(keepContent ? { content: Buffer.concat(chunks) } : {}) });
      next();
    });
  };
  return new Promise<DataSummary>((resolve, reject) => {
    extract.on('entry', onEntry);
    let finished = false;
    extract.on('finish', () => {
      finished = true;
      resolve(s);
    });
    extract.on('error', (err: unknown) => {
      if (isVouchError(err)) reject(err);
      else reject(new VouchError({ code: 'INPUT_MALFORMED', message: `apk data segment is not a readable tar stream: ${messageOf(err)}`, cause: err }));
    });
    extract.on('close', () => {
      if (!finished) reject(new VouchError({ code: 'INPUT_MALFORMED', message: 'apk data segment ended early' }));
    });
  });
}

function paxRecord(pax: unknown, key: string): string | undefined {
  if (pax === null || typeof pax !== 'object') return undefined;
  const value = (pax as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}
