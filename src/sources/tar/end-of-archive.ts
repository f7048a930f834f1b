import type { ByteReader } from './byte-reader.js';
import { BLOCK, isZeroBlock, parseHeader } from './header.js';
import { decodeName, displayName } from './names.js';
import { TarFormatError } from './tar-error.js';

export /**
 * After the first zero block: a second one ends the archive (Go), and from then on only zero
 * bytes may follow. One zero block at the very end is also an end, as in Go.
 */
async function endOfArchive(r: ByteReader): Promise<void> {
  const second = await r.read(BLOCK);
  if (second.length === 0) return;
  if (second.length < BLOCK || !isZeroBlock(second)) {
    throw new TarFormatError(`a zero block followed by data at byte ${r.position - second.length}`, 0, undefined);
  }
  for (;;) {
    const at = r.position;
    const part = await r.next(64 * 1024);
    if (part === undefined) return;
    const nonZero = part.findIndex((b) => b !== 0);
    if (nonZero >= 0) {
      const offset = at + nonZero;
      throw new TarFormatError(`data after the end-of-archive marker at byte ${offset}${await entryNameAt(r, part, nonZero, offset)}`, 0, undefined);
    }
  }
}

/** When the data after the marker starts on a block boundary with a valid header, its name (for the message). */
async function entryNameAt(r: ByteReader, part: Buffer, at: number, offset: number): Promise<string> {
  if (offset % BLOCK !== 0) return '';
  let block = part.subarray(at, at + BLOCK);
  if (block.length < BLOCK) block = Buffer.concat([block, await r.read(BLOCK - block.length)]);
  try {
    return block.length === BLOCK ? ` (an entry "${displayName(decodeName(parseHeader(block).name))}")` : '';
  } catch {
    return '';
  }
}
