/**
 * A zstd stream decoded frame after frame, to its end, as containerd's decoder (klauspost/zstd)
 * and the zstd CLI read it. node:zlib's decoder stops at the end of a frame that ends inside an
 * input chunk and silently drops the rest: a layer of two frames (zstd:chunked writes many) or of
 * a skippable frame then a data frame would show vouch only the first part and the runtime the
 * whole, so a file could hide from the inventory. Here the frame boundaries are found from the
 * format itself (RFC 8878: frame header, block headers, optional checksum), each data frame is
 * written to the decoder as writes that end where the frame ends, skippable frames are skipped,
 * and anything that is neither is refused.
 */
import { Readable, pipeline } from 'node:stream';
import type { Transform } from 'node:stream';
import { VouchError } from '../errors.js';
import { ByteReader } from '../sources/tar/byte-reader.js';

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames: 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/**
 * Frames of one stream. An empty frame is 9 bytes that decode to nothing, so neither the size nor
 * the ratio cap would ever stop a layer of millions of them. zstd:chunked writes a frame per file
 * chunk: far fewer in real layers.
 */
export const MAX_ZSTD_FRAMES = 100_000;
/** ZSTD_BLOCKSIZE_MAX: no block may be larger, whatever the window. */
const MAX_BLOCK_BYTES = 128 * 1024;

const malformed = (message: string): VouchError => new VouchError({ code: 'INPUT_MALFORMED', message: `invalid zstd data: ${message}` });

/** Exactly n bytes, or INPUT_MALFORMED naming what the stream ended inside. */
async function exact(reader: ByteReader, n: number, what: string): Promise<Buffer> {
  const out = await reader.read(n);
  if (out.length < n) throw malformed(`the stream ends inside ${what}`);
  return out;
}

/** The next n bytes as the pieces they arrive in: never joined, never held past their turn. */
async function* take(reader: ByteReader, n: number, what: string): AsyncGenerator<Buffer> {
  for (let left = n; left > 0; ) {
    const piece = await reader.next(left);
    if (piece === undefined) throw malformed(`the stream ends inside ${what}`);
    left -= piece.length;
    yield piece;
  }
}

/** Pieces are passed on in batches of about this size: one async step per block costs more than a copy. */
const BATCH_BYTES = 1024 * 1024;

/** The pieces of `source` joined into batches of about BATCH_BYTES (order kept, nothing held past a batch). */
async function* batched(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const piece of source) {
    parts.push(piece);
    size += piece.length;
    if (size >= BATCH_BYTES) {
      yield parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
}

/** The bytes of one data frame, its magic already read: header, blocks up to the last, checksum. */
async function* frameBytes(reader: ByteReader, magic: Buffer): AsyncGenerator<Buffer> {
  yield magic;
  const fhd = await exact(reader, 1, 'a frame header');
  const d = fhd[0] ?? 0;
  if (d & 0x08) throw malformed('a frame header sets its reserved bit');
  const single = (d >> 5) & 1;
  const fcsFlag = d >> 6;
  const headerRest = (single ? 0 : 1) + ([0, 1, 2, 4][d & 3] ?? 0) + (fcsFlag === 0 ? single : ([0, 2, 4, 8][fcsFlag] ?? 0));
  yield fhd;
  if (headerRest > 0) yield await exact(reader, headerRest, 'a frame header');
  for (;;) {
    const header = await exact(reader, 3, 'a block header');
    const h = header.readUIntLE(0, 3);
    const type = (h >> 1) & 3;
    const size = h >>> 3;
    if (type === 3) throw malformed('a block has the reserved type');
    if (size > MAX_BLOCK_BYTES) throw malformed(`a block of ${size} bytes is larger than zstd allows`);
    yield header;
    // A run-length block stores one byte however long its run.
    const stored = type === 1 ? 1 : size;
    if (stored > 0) yield* take(reader, stored, 'a block');
    if (h & 1) break;
  }
  if ((d >> 2) & 1) yield await exact(reader, 4, 'a frame checksum');
}

/**
 * The data frames of `source`, in order, each as writes that end exactly where the frame ends
 * (batched within a frame, never across): node's decoder carries on into the next frame when
 * the previous one ended at the end of a write, and drops the rest of a write it ended inside.
 * Skippable frames are left out; anything that is no frame is refused.
 */
async function* dataFrames(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source);
  for (let frames = 0; ; frames++) {
    const magic = await reader.read(4);
    if (magic.length === 0) {
      if (frames === 0) throw malformed('the stream is empty');
      return;
    }
    if (magic.length < 4) throw malformed('the stream ends inside a frame magic number');
    if (frames >= MAX_ZSTD_FRAMES) {
      throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `zstd stream has more than ${MAX_ZSTD_FRAMES} frames`, details: { limit: MAX_ZSTD_FRAMES } });
    }
    const m = magic.readUInt32LE(0);
    if (((m & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) {
      for await (const _ of take(reader, (await exact(reader, 4, 'a skippable frame size')).readUInt32LE(0), 'a skippable frame'));
      continue;
    }
    if (m !== ZSTD_MAGIC) throw malformed(`a frame starts with 0x${m.toString(16).padStart(8, '0')}, not a zstd magic number`);
    yield* batched(frameBytes(reader, magic));
  }
}

/** Decodes every frame of `source` with one libzstd decoder (`decoder()`, with the window cap). */
export function decodeZstdFrames(source: AsyncIterable<Buffer>, decoder: () => Transform): Readable {
  // pipeline, not pipe: a malformed frame must fail the decoder's output, not stall it.
  return pipeline(Readable.from(dataFrames(source), { objectMode: false }), decoder(), () => undefined);
}
