import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { fail, isVouchError, messageOf, VouchError } from '../../errors.js';
import { readGzipMembers } from './gzip-members.js';
import type { GzipMemberSink } from './gzip-members.js';
import { ApkIndexParser } from './index-parser.js';
import type { ApkIndexRecord } from './index-parser.js';
import { isSignatureEntryName, signatureEntriesOf } from './signature-entries.js';
import type { ApkSignatureEntry } from './signature-entries.js';
import { readSmallTar } from './small-tar.js';
import { writeWithBackpressure } from './stream-util.js';

export interface ApkIndexLimits {
  readonly maxDecompressedBytes: number;
  readonly maxEntries: number;
  readonly maxRatio: number;
  readonly maxDocumentBytes: number;
}

/**
 * Caps of the index itself, far below the package caps: real indexes are megabytes (Alpine
 * main: about 1 MB compressed, 5 MB of text; Wolfi's full history: tens of MB), never
 * gigabytes, so an endless but valid gzip stream is stopped early instead of at 8 GiB.
 */
export interface ApkIndexCaps {
  /** Bytes of APKINDEX.tar.gz read (compressed): bounds the download as well. */
  readonly maxIndexBytes: number;
  /** Bytes the index decompresses to (signature segment, DESCRIPTION and APKINDEX). */
  readonly maxIndexDecompressedBytes: number;
  /** Lines of APKINDEX text. */
  readonly maxIndexLines: number;
}

export const DEFAULT_APK_INDEX_CAPS: ApkIndexCaps = {
  maxIndexBytes: 64 * 1024 ** 2,
  maxIndexDecompressedBytes: 512 * 1024 ** 2,
  maxIndexLines: 10_000_000,
};

/** Fails when an index file is (or is declared to be) larger than the cap. */
export function assertIndexFileSize(size: number, caps: ApkIndexCaps): void {
  if (size > caps.maxIndexBytes) {
    fail('LIMIT_EXCEEDED', `APKINDEX.tar.gz is larger than ${caps.maxIndexBytes} bytes (raise with --max-index-size)`);
  }
}

/** DESCRIPTION is one line (a release or commit); more than this is kept only in part. */
const MAX_DESCRIPTION = 1024;

export interface ApkIndexContents {
  readonly sha256: string;
  readonly size: number;
  /** Undefined when the index has no signature segment of its own. */
  readonly signatures: readonly ApkSignatureEntry[] | undefined;
  /** A .SIGN entry found inside the signed content (one gzip stream): cannot be verified. */
  readonly embeddedSignature: boolean;
  /** Digests of the signed bytes: every compressed byte after the signature member. */
  readonly signedDigests: { readonly sha1: Buffer; readonly sha256: Buffer; readonly sha512: Buffer };
  readonly packageCount: number;
  /** Lines of APKINDEX text. */
  readonly lineCount: number;
  /** The DESCRIPTION entry (`apk index --description`), when there is one; at most 1 KiB kept. */
  readonly description?: string;
  /** Records whose P: the caller selected, in index order. */
  readonly matches: readonly ApkIndexRecord[];
  readonly hasApkIndex: boolean;
}

const TAR_BLOCK = 512;

/**
 * Reads APKINDEX.tar.gz in one streaming pass: an optional signature member, then the signed
 * members holding the APKINDEX text. The index is parsed line by line and only the records the
 * caller selects are kept, so an index of any number of packages needs flat memory. Nothing
 * read here is trusted until the caller has verified the signature over `signedDigests`.
 */
export async function readApkIndex(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  select: (record: ApkIndexRecord) => boolean,
  limits: ApkIndexLimits,
  caps: ApkIndexCaps = DEFAULT_APK_INDEX_CAPS,
): Promise<ApkIndexContents> {
  const fileHash = createHash('sha256');
  let size = 0;
  let decompressed = 0;
  const hashes = { sha1: createHash('sha1'), sha256: createHash('sha256'), sha512: createHash('sha512') };
  const parser = new ApkIndexParser(select, limits.maxEntries, caps.maxIndexLines);
  let description: Buffer | undefined;
  let role: 'first' | 'signed' = 'first';
  let head: Buffer[] = [];
  let headCompressed: Buffer[] = [];
  let headSize = 0;
  let headDecided = false;
  let signatures: ApkSignatureEntry[] | undefined;
  let embeddedSignature = false;
  let hasApkIndex = false;

  const extract = tar.extract();
  let consumerError: unknown;
  const consumer = (async () => {
    let entries = 0;
    for await (const entry of extract) {
      entries += 1;
      if (entries > 64) fail('LIMIT_EXCEEDED', 'APKINDEX.tar.gz has more than 64 entries');
      const name = entry.header.name;
      if (isSignatureEntryName(name)) embeddedSignature = true;
      if (name === 'APKINDEX' && (entry.header.type ?? 'file') === 'file') {
        if (hasApkIndex) fail('INPUT_MALFORMED', 'APKINDEX.tar.gz holds more than one APKINDEX');
        hasApkIndex = true;
        for await (const chunk of entry) parser.push(chunk as Buffer);
        parser.end();
      } else if (name === 'DESCRIPTION' && (entry.header.type ?? 'file') === 'file') {
        if (description !== undefined) fail('INPUT_MALFORMED', 'APKINDEX.tar.gz holds more than one DESCRIPTION');
        const kept: Buffer[] = [];
        let keptSize = 0;
        for await (const chunk of entry) {
          const c = chunk as Buffer;
          if (keptSize < MAX_DESCRIPTION) kept.push(c.subarray(0, MAX_DESCRIPTION - keptSize));
          keptSize += c.length;
        }
        description = Buffer.concat(kept);
      } else entry.resume();
    }
  })().catch((err: unknown) => {
    consumerError = isVouchError(err)
      ? err
      : new VouchError({ code: 'INPUT_MALFORMED', message: `APKINDEX.tar.gz is not a readable tar stream: ${messageOf(err)}`, cause: err });
    extract.destroy();
  });
  const toTar = (chunk: Buffer): Promise<void> => writeWithBackpressure(extract, chunk, () => consumerError);
  const signedCompressed = (chunk: Buffer): void => {
    for (const h of Object.values(hashes)) h.update(chunk);
  };

  const sink: GzipMemberSink = {
    memberStart(index) {
      if (index > 0 && role === 'first') role = 'signed';
    },
    compressed(chunk) {
      if (role === 'signed') signedCompressed(chunk);
      // Copied: the source may reuse its buffer for the next chunk.
      else headCompressed.push(Buffer.from(chunk));
    },
    async data(chunk) {
      decompressed += chunk.length;
      if (decompressed > caps.maxIndexDecompressedBytes) {
        fail('LIMIT_EXCEEDED', `APKINDEX.tar.gz decompresses to more than ${caps.maxIndexDecompressedBytes} bytes (raise with --max-index-decompressed-size)`);
      }
      if (role === 'signed' || headDecided) return toTar(chunk);
      head.push(chunk);
      headSize += chunk.length;
      if (headSize > limits.maxDocumentBytes) fail('LIMIT_EXCEEDED', `APKINDEX signature segment is larger than ${limits.maxDocumentBytes} bytes`);
      if (headSize < TAR_BLOCK) return;
      const joined = Buffer.concat(head);
      if (isSignatureEntryName(joined.subarray(0, 100).toString('latin1').replace(/\0.*$/s, ''))) return;
      // The first member is not a signature segment: it is the (unsigned) index itself.
      headDecided = true;
      role = 'signed';
      for (const c of headCompressed) signedCompressed(c);
      headCompressed = [];
      head = [];
      return toTar(joined);
    },
    async memberEnd(index) {
      if (index !== 0 || headDecided) return;
      const entries = await readSmallTar(Buffer.concat(head), 'APKINDEX signature segment', 64);
      if (entries.length === 0 || !entries.every((e) => isSignatureEntryName(e.name))) {
        fail('INPUT_MALFORMED', 'APKINDEX.tar.gz: the first gzip member is neither a signature segment nor an index');
      }
      signatures = signatureEntriesOf(entries);
      head = [];
      headCompressed = [];
      role = 'signed';
    },
  };

  try {
    await readGzipMembers(
      (async function* () {
        for await (const chunk of source) {
          size += chunk.length;
          // Leaving the loop closes the source: a download stops at the cap, it is not drained.
          assertIndexFileSize(size, caps);
          fileHash.update(chunk);
          yield chunk;
        }
      })(),
      sink,
      { maxDecompressedBytes: limits.maxDecompressedBytes, maxRatio: limits.maxRatio, maxMembers: 1024 },
    );
    extract.end(undefined);
  } catch (err) {
    // The tar reader stops with the producer's error, so whichever failed first is reported.
    extract.destroy(err instanceof Error ? err : new Error(String(err)));
    await consumer;
    // When the tar reader failed first, its error is the cause; the producer only saw it stop.
    throw consumerError ?? err;
  }
  await consumer;
  if (consumerError !== undefined) throw consumerError;
  if (!hasApkIndex) fail('INPUT_MALFORMED', 'APKINDEX.tar.gz holds no APKINDEX file');
  return {
    sha256: fileHash.digest('hex'),
    size,
    signatures,
    embeddedSignature,
    signedDigests: { sha1: hashes.sha1.digest(), sha256: hashes.sha256.digest(), sha512: hashes.sha512.digest() },
    packageCount: parser.count,
    lineCount: parser.lines,
    ...(description !== undefined ? { description: description.toString('utf8').trimEnd() } : {}),
    matches: parser.matches,
    hasApkIndex,
  };
}
