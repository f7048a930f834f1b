import { isUtf8 } from 'node:buffer';

export { displayName } from '../../evidence/display-name.js';

/**
 * Tar names are byte strings: Go's archive/tar (and so containerd and umoci) hands them to the
 * file system unchanged. Decoding them as UTF-8 with replacement characters would make two
 * different names equal (both become U+FFFD), so a whiteout for one could delete the other in
 * vouch's view only. Names are therefore decoded losslessly, the way Python's "surrogateescape"
 * does it: valid UTF-8 decodes as usual, and every byte that is not part of a valid sequence
 * becomes the lone surrogate U+DC80..U+DCFF. Valid UTF-8 never decodes to a lone surrogate, so
 * the mapping is injective; ASCII ("/", ".wh.") is untouched, so path and whiteout logic on the
 * decoded string is exactly the byte logic.
 */
export function decodeName(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const n = validSequenceLength(buf, i);
    if (n > 0) {
      out += buf.toString('utf8', i, i + n);
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + (buf[i] as number));
      i += 1;
    }
  }
  return out;
}

/** The bytes a decoded name came from (the inverse of decodeName). */
export function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff && !isLowHalfOfPair(name, i)) {
      parts.push(Buffer.from(name.slice(start, i), 'utf8'), Buffer.of(c - 0xdc00));
      start = i + 1;
    }
  }
  parts.push(Buffer.from(name.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** True when the name holds bytes that are not UTF-8 (it has escaped bytes). */
export function hasRawBytes(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff && !isLowHalfOfPair(name, i)) return true;
  }
  return false;
}

function isLowHalfOfPair(s: string, i: number): boolean {
  if (i === 0) return false;
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}

/** Length of the well-formed UTF-8 sequence at i (RFC 3629: no overlongs, no surrogates), or 0. */
function validSequenceLength(b: Buffer, i: number): number {
  const b0 = b[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && (b[i + k] as number) >= lo && (b[i + k] as number) <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
