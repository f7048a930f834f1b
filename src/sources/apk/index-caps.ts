/**
 * The caps of a repository index, apart from the index reader: the CLI's flag defaults
 * (pipeline/options.ts) are read at every start, and must not load the reader, the tar reader
 * and zlib with them.
 */
import { fail } from '../../errors.js';

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
