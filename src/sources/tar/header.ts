/**
 * One 512-byte tar header block, parsed the way Go's archive/tar (reader.go readHeader, format.go
 * getFormat, strconv.go parseNumeric) parses it, because containerd and umoci unpack layers with
 * it. Where Go would guess (the pre-Go 1.8 GNU prefix fallback, the STAR format's different
 * prefix) the block is refused instead, so vouch never reads a name Go might read otherwise.
 */

export const BLOCK = 512;

export type RawFormat = 'v7' | 'ustar' | 'gnu';

export interface RawHeader {
  readonly format: RawFormat;
  /** The typeflag byte as a one-character string ("\0" for old regular files). */
  readonly typeflag: string;
  /** Name bytes: the name field up to its first NUL, after "prefix/" for ustar. */
  readonly name: Buffer;
  readonly linkname: Buffer;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export class HeaderError extends Error {}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

export function parseHeader(block: Buffer): RawHeader {
  const format = formatOf(block);
  const size = numeric(block, 124, 12, 'size');
  const mode = numeric(block, 100, 8, 'mode');
  const uid = numeric(block, 108, 8, 'uid');
  const gid = numeric(block, 116, 8, 'gid');
  numeric(block, 136, 12, 'mtime');
  let name = cString(block, 0, 100);
  if (format !== 'v7') {
    numeric(block, 329, 8, 'devmajor');
    numeric(block, 337, 8, 'devminor');
  }
  if (format === 'ustar') {
    const prefix = cString(block, 345, 155);
    if (prefix.length > 0) name = Buffer.concat([prefix, Buffer.from('/'), name]);
  } else if (format === 'gnu') {
    // Go reads atime/ctime here, and when they do not parse it falls back to reading the field
    // as a ustar prefix (files from Go before 1.8). That guess is refused.
    for (const [at, field] of [[345, 'atime'], [357, 'ctime']] as const) {
      if (block[at] !== 0) numeric(block, at, 12, field);
    }
  }
  return { format, typeflag: String.fromCharCode(block[156] as number), name, linkname: cString(block, 157, 100), size, mode, uid, gid };
}

function formatOf(block: Buffer): RawFormat {
  const stored = octal(block, 148, 8, 'checksum');
  // The checksum field counts as eight spaces (8 * 0x20 = 256) in both sums.
  let unsigned = 256;
  let signed = 256;
  for (let i = 0; i < BLOCK; i++) {
    if (i === 148) i = 156;
    const b = block[i] as number;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed) throw new HeaderError('header checksum does not match');
  if (bytesAre(block, 257, USTAR_MAGIC)) {
    // STAR archives put a different prefix field here; Go reads it, nobody writes it for images.
    if (bytesAre(block, 508, STAR_TRAILER)) throw new HeaderError('STAR-format header');
    return 'ustar';
  }
  if (bytesAre(block, 257, GNU_MAGIC)) return 'gnu';
  return 'v7';
}

/** "ustar\0"; "ustar " + " \0" (magic and version of GNU tar); "tar\0" (STAR). */
const USTAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72, 0x00];
const GNU_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72, 0x20, 0x20, 0x00];
const STAR_TRAILER = [0x74, 0x61, 0x72, 0x00];

function bytesAre(block: Buffer, at: number, expected: readonly number[]): boolean {
  for (let i = 0; i < expected.length; i++) if (block[at + i] !== expected[i]) return false;
  return true;
}

/** Go's parseNumeric: base-256 when the high bit is set, else octal. */
function numeric(block: Buffer, at: number, len: number, field: string): number {
  const first = block[at] as number;
  if ((first & 0x80) !== 0) {
    // Base-256 (GNU): two's complement big-endian. Only non-negative safe integers are accepted.
    if ((first & 0x40) !== 0) throw new HeaderError(`negative base-256 ${field}`);
    let v = BigInt(first & 0x7f);
    for (let i = at + 1; i < at + len; i++) v = (v << 8n) | BigInt(block[i] as number);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeaderError(`${field} is too large`);
    return Number(v);
  }
  return octal(block, at, len, field);
}

const isPad = (b: number): boolean => b === 0x20 || b === 0;

/**
 * Go's parseOctal: spaces and NULs trimmed at both ends, then strconv.ParseUint(s, 8, 64); read
 * byte by byte (a header is parsed per entry, and a string and two regular expressions per field
 * were a tenth of reading a package of small files).
 */
function octal(block: Buffer, at: number, len: number, field: string): number {
  let start = at;
  let end = at + len;
  while (start < end && isPad(block[start] as number)) start++;
  while (end > start && isPad(block[end - 1] as number)) end--;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = (block[i] as number) - 0x30;
    if (d < 0 || d > 7) throw new HeaderError(`${field} field is not an octal number`);
    v = v * 8 + d;
  }
  // At most 12 octal digits (36 bits) fit a field, so v is exact; the check stays for safety.
  if (!Number.isSafeInteger(v)) throw new HeaderError(`${field} is too large`);
  return v;
}

/** Go's parseString: the bytes before the first NUL. */
function cString(block: Buffer, at: number, len: number): Buffer {
  const field = block.subarray(at, at + len);
  const nul = field.indexOf(0);
  return Buffer.from(nul < 0 ? field : field.subarray(0, nul));
}
