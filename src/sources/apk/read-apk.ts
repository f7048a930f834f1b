import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { fail, VouchError } from '../../errors.js';
import { readGzipMembers } from './gzip-members.js';
import type { GzipMemberSink } from './gzip-members.js';
import { consumeDataSegment, emptyDataSummary } from './data-segment.js';
import type { DataSummary } from './data-segment.js';
import { parsePkgInfo } from './pkginfo.js';
import type { PkgInfoParse } from './pkginfo.js';
import { isSignatureEntryName, signatureEntriesOf } from './signature-entries.js';
import type { ApkSignatureEntry } from './signature-entries.js';
import { readSmallTar } from './small-tar.js';
import type { SmallTarEntry } from './small-tar.js';
import { ChunkChannel } from '../tar/channel.js';

/** Caps for one apk; defaults come from the pipeline's Limits. */
export interface ApkReadLimits {
  readonly maxDecompressedBytes: number;
  readonly maxEntries: number;
  readonly maxRatio: number;
  /** Largest SBOM document kept in memory, and largest signature or control segment. */
  readonly maxDocumentBytes: number;
  /** Largest .PKGINFO accepted (default 1 MiB; real ones are a few KiB). */
  readonly maxPkginfoBytes?: number;
  /** Largest number of gzip members (default 65536; real packages have 2 to a few dozen). */
  readonly maxMembers?: number;
}

/** The control segment: its exact compressed bytes are what the signature and `C:` cover. */
export interface ApkControl {
  readonly compressed: Buffer;
  readonly entries: readonly string[];
  readonly pkginfo: PkgInfoParse;
}

/** Everything one pass over an apk established; judging it is the pipeline's job. */
export interface ApkContents {
  /** Hex SHA-256 and size of the whole file. */
  readonly sha256: string;
  readonly size: number;
  readonly members: number;
  /** Undefined when the package has no signature segment. */
  readonly signatures: readonly ApkSignatureEntry[] | undefined;
  readonly control: ApkControl;
  /** Hex SHA-256 of the compressed data segment (all members after the control member). */
  readonly dataHash: string;
  readonly data: DataSummary;
}

const DEFAULT_PKGINFO_MAX = 1024 * 1024;
const DEFAULT_MAX_MEMBERS = 65536;
const SEGMENT_MAX_ENTRIES = 4096;

type Role = 'first' | 'control' | 'data';

/**
 * Reads an apk v2 package in one streaming pass: splits the gzip members, keeps the (small)
 * signature and control segments, and streams the data segment through the tar reader
 * (sources/tar), hashing every file. Nothing is written to disk; memory does not grow with the size of the package's files.
 * Throws VouchError (INPUT_MALFORMED, LIMIT_EXCEEDED) when the input is not a readable apk.
 */
export async function readApk(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, limits: ApkReadLimits): Promise<ApkContents> {
  const fileHash = createHash('sha256');
  let fileSize = 0;
  const counted = countingSource(source, (chunk) => {
    fileHash.update(chunk);
    fileSize += chunk.length;
  });
  const segmentMax = Math.min(limits.maxDocumentBytes, limits.maxDecompressedBytes);
  let role: Role = 'first';
  let compressed: Buffer[] = [];
  let compressedSize = 0;
  let decompressed: Buffer[] = [];
  let decompressedSize = 0;
  let signatures: ApkSignatureEntry[] | undefined;
  let control: ApkControl | undefined;
  let dataHash: Hash | undefined;

  // The data segment's decompressed chunks go to the tar reader as they come (it pulls them).
  const dataTar = new ChunkChannel();
  let consumerError: unknown;
  const consumer = consumeDataSegment(dataTar, limits).catch((err: unknown) => {
    consumerError = err;
    return emptyDataSummary();
  });

  const sink: GzipMemberSink = {
    memberStart() {
      compressed = [];
      compressedSize = 0;
      decompressed = [];
      decompressedSize = 0;
      if (role === 'data') dataHash ??= createHash('sha256');
    },
    compressed(chunk) {
      if (role === 'data') dataHash?.update(chunk);
      else {
        // Copied: the source may reuse its buffer for the next chunk.
        compressed.push(Buffer.from(chunk));
        compressedSize += chunk.length;
        if (compressedSize > segmentMax) {
          fail('LIMIT_EXCEEDED', `apk ${role === 'first' ? 'signature' : 'control'} segment is larger than ${segmentMax} bytes`);
        }
      }
    },
    async data(chunk) {
      if (role === 'data') {
        if (!(await dataTar.push(chunk))) {
          await consumer;
          throw consumerError ?? new VouchError({ code: 'INPUT_MALFORMED', message: 'apk data segment: data after the end of the tar archive' });
        }
        return;
      }
      decompressedSize += chunk.length;
      if (decompressedSize > segmentMax) fail('LIMIT_EXCEEDED', `apk ${role} segment decompresses to more than ${segmentMax} bytes`);
      decompressed.push(chunk);
    },
    async memberEnd() {
      if (role === 'data') return;
      const entries = await readSmallTar(Buffer.concat(decompressed), role === 'first' ? 'apk signature segment' : 'apk control segment', SEGMENT_MAX_ENTRIES);
      if (role === 'first' && entries.length > 0 && entries.every((e) => isSignatureEntryName(e.name))) {
        signatures = signatureEntriesOf(entries);
        role = 'control';
        return;
      }
      control = controlOf(Buffer.concat(compressed), entries, limits.maxPkginfoBytes ?? DEFAULT_PKGINFO_MAX);
      role = 'data';
    },
  };

  let members: number;
  try {
    ({ members } = await readGzipMembers(counted, sink, {
      maxDecompressedBytes: limits.maxDecompressedBytes,
      maxRatio: limits.maxRatio,
      maxMembers: limits.maxMembers ?? DEFAULT_MAX_MEMBERS,
    }));
    dataTar.end();
  } catch (err) {
    // The tar reader stops with the producer's error, so whichever failed first is reported.
    dataTar.fail(err);
    await consumer;
    // When the tar reader failed first, its error is the cause; the producer only saw it stop.
    throw consumerError ?? err;
  }
  const data = await consumer;
  if (consumerError !== undefined) throw consumerError;
  if (control === undefined) fail('INPUT_MALFORMED', 'not an apk: no control segment with .PKGINFO');
  if (dataHash === undefined) fail('INPUT_MALFORMED', 'not an apk: no data segment after the control segment');
  return {
    sha256: fileHash.digest('hex'),
    size: fileSize,
    members,
    signatures,
    control,
    dataHash: dataHash.digest('hex'),
    data,
  };
}

/**
 * The control segment must hold .PKGINFO and only dot-named control files (.PKGINFO, scripts,
 * .melange.yaml): a data file here would be covered by the signature but escape `datahash`
 * and the per-file checksums, so the layout is refused.
 */
function controlOf(compressed: Buffer, entries: readonly SmallTarEntry[], maxPkginfo: number): ApkControl {
  const names = entries.map((e) => e.name);
  const stray = names.find((n) => !n.startsWith('.') || n.startsWith('./') || n.includes('/'));
  if (stray !== undefined) {
    if (isSignatureEntryName(stray)) fail('INPUT_MALFORMED', 'apk signature is not in a gzip member of its own');
    if (stray === 'APKINDEX' || stray === 'DESCRIPTION') {
      // Which kind of subject a file is comes from its name (the user's intent), never from its
      // content: an index served under a package's name must not verify as anything.
      fail('INPUT_MALFORMED', `not an apk package: this is a repository index (it holds ${stray})`, {
        hints: ['to verify a repository index on its own, give it under its name APKINDEX.tar.gz (or APKINDEX.<hash>.tar.gz)'],
      });
    }
    fail('INPUT_MALFORMED', `apk control segment holds ${JSON.stringify(stray)}, which is not a control file`);
  }
  if (names.some(isSignatureEntryName)) fail('INPUT_MALFORMED', 'apk signature is not in a gzip member of its own');
  const infos = entries.filter((e) => e.name === '.PKGINFO');
  if (infos.length !== 1) fail('INPUT_MALFORMED', infos.length === 0 ? 'apk control segment has no .PKGINFO' : 'apk control segment has more than one .PKGINFO');
  const info = infos[0] as SmallTarEntry;
  if (info.content.length > maxPkginfo) {
    throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `.PKGINFO is ${info.content.length} bytes, more than the ${maxPkginfo} allowed` });
  }
  return { compressed, entries: names, pkginfo: parsePkgInfo(info.content.toString('utf8')) };
}

async function* countingSource(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onChunk: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onChunk(chunk);
    yield chunk;
  }
}
