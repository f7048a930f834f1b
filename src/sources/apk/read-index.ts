import { createHash } from 'node:crypto';
import { fail, isVouchError, messageOf, VouchError } from '../../errors.js';
import { ChunkChannel } from '../tar/channel.js';
import { readTar } from '../tar/reader.js';
import { readGzipMembers } from './gzip-members.js';
import type { GzipMemberSink } from './gzip-members.js';
import { ApkIndexParser } from './index-parser.js';
import type { ApkIndexRecord } from './index-parser.js';
import { isSignatureEntryName, signatureEntriesOf } from './signature-entries.js';
import type { ApkSignatureEntry } from './signature-entries.js';
import { assertIndexFileSize, DEFAULT_APK_INDEX_CAPS } from './index-caps.js';
import type { ApkIndexCaps } from './index-caps.js';
import { readSmallTar } from './small-tar.js';

export interface ApkIndexLimits {
  readonly maxDecompressedBytes: number;
  readonly maxEntries: number;
  readonly maxRatio: number;
  readonly maxDocumentBytes: number;
}

export { DEFAULT_APK_INDEX_CAPS } from './index-caps.js';
export type { ApkIndexCaps } from './index-caps.js';

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

  // The signed members' decompressed bytes go to vouch's tar reader as they come (it pulls them),
  // so the index is read with the same tar rules as packages and layers (sources/tar).
  const indexTar = new ChunkChannel();
  let consumerError: unknown;
  const consumer = (async () => {
    let entries = 0;
    for await (const entry of readTar(indexTar)) {
      entries += 1;
      if (entries > 64) fail('LIMIT_EXCEEDED', 'APKINDEX.tar.gz has more than 64 entries');
      const { name, type } = entry.header;
      if (isSignatureEntryName(name)) embeddedSignature = true;
      if (name === 'APKINDEX' && type === 'file') {
        if (hasApkIndex) fail('INPUT_MALFORMED', 'APKINDEX.tar.gz holds more than one APKINDEX');
        hasApkIndex = true;
        for await (const chunk of entry.content) parser.push(chunk);
        parser.end();
      } else if (name === 'DESCRIPTION' && type === 'file') {
        if (description !== undefined) fail('INPUT_MALFORMED', 'APKINDEX.tar.gz holds more than one DESCRIPTION');
        const kept: Buffer[] = [];
        let keptSize = 0;
        for await (const chunk of entry.content) {
          // Copied: the chunk is a view of a buffer the reader moves on from.
          if (keptSize < MAX_DESCRIPTION) kept.push(Buffer.from(chunk.subarray(0, MAX_DESCRIPTION - keptSize)));
          keptSize += chunk.length;
        }
        description = Buffer.concat(kept);
      }
    }
  })().catch((err: unknown) => {
    consumerError = isVouchError(err)
      ? err
      : new VouchError({ code: 'INPUT_MALFORMED', message: `APKINDEX.tar.gz is not a readable tar stream: ${messageOf(err)}`, cause: err });
  });
  const toTar = async (chunk: Buffer): Promise<void> => {
    if (!(await indexTar.push(chunk))) {
      await consumer;
      throw consumerError ?? new VouchError({ code: 'INPUT_MALFORMED', message: 'APKINDEX.tar.gz: data after the end of the tar archive' });
    }
  };
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
    indexTar.end();
  } catch (err) {
    // The tar reader stops with the producer's error, so whichever failed first is reported.
    indexTar.fail(err);
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
