/**
 * What a stream's first bytes say it is compressed with, read the way containerd's and Docker's
 * DecompressStream read them (gzip, zstd including a leading skippable frame, bzip2, xz).
 * Undefined: none of these (a tar has no magic at offset 0). One table for every place vouch
 * sniffs, so that no two places can tell one input apart differently.
 */
export type SniffedCompression = 'gzip' | 'zstd' | 'bzip2' | 'xz';

/** Enough bytes to tell every magic apart (xz's is six). */
export const SNIFF_BYTES = 6;

const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

export function sniffCompression(head: Buffer): SniffedCompression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4) {
    const word = head.readUInt32LE(0);
    if (word === 0xfd2fb528) return 'zstd';
    // zstd skippable frames (0x184D2A50..0x184D2A5F) open a zstd stream too.
    if ((word & 0xfffffff0) >>> 0 === 0x184d2a50) return 'zstd';
  }
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= XZ.length && head.subarray(0, XZ.length).equals(XZ)) return 'xz';
  return undefined;
}
