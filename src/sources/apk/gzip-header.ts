import { fail } from '../../errors.js';

/**
 * The gzip member header (RFC 1952 2.3). MTIME, XFL, OS and the FTEXT flag are advisory and not
 * checked; the optional header CRC is skipped (the bytes that matter are covered by signatures
 * and digests over the compressed member, header included).
 */

/** Gzip header flags (RFC 1952 2.3.1). */
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
/** Longest header accepted (FEXTRA, FNAME and FCOMMENT make it variable). */
export const MAX_GZIP_HEADER = 64 * 1024;

/** Parses one gzip header at the start of `buf`; undefined when more bytes are needed. */
export function gzipHeaderLength(buf: Buffer): number | undefined {
  if (buf.length < 10) return undefined;
  if (buf[0] !== 0x1f || buf[1] !== 0x8b) fail('INPUT_MALFORMED', 'not a gzip member (bad magic bytes)');
  if (buf[2] !== 8) fail('INPUT_MALFORMED', `gzip member uses compression method ${buf[2]}, not deflate`);
  const flags = buf[3] ?? 0;
  if (flags & 0xe0) fail('INPUT_MALFORMED', 'gzip header has reserved flag bits set');
  let p = 10;
  if (flags & FEXTRA) {
    if (buf.length < p + 2) return undefined;
    p += 2 + buf.readUInt16LE(p);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const end = buf.indexOf(0, p);
      if (end < 0) return undefined;
      p = end + 1;
    }
  }
  if (flags & FHCRC) p += 2;
  return buf.length >= p ? p : undefined;
}
