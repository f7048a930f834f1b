/**
 * A zstd stream decoded frame after frame, to its end, as containerd's decoder (klauspost/zstd)
 * and the zstd CLI read it. node:zlib's decoder stops at the end of a frame that ends inside an
 * input chunk and silently drops the rest: a layer of two frames (zstd:chunked writes many) or of
 * a skippable frame then a data frame would show vouch only the first part and the runtime the
 * whole, so a file could hide from the inventory. Here the frame boundaries are found from the
 * format itself (RFC 8878: frame header, block headers, optional checksum), each data frame goes
 * to a fresh decoder that sees exactly its bytes, skippable frames are skipped, and anything that
 * is neither is refused.
 */
import { Readable, pipeline } from 'node:stream';
import type { Transform } from 'node:stream';
import { VouchError } from '../errors.js';

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames: 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** ZSTD_BLOCKSIZE_MAX: no block may be larger, whatever the window. */
const MAX_BLOCK_BYTES = 128 * 1024;

const malformed = (message: string): VouchError => new VouchError({ code: 'INPUT_MALFORMED', message: `invalid zstd data: ${message}` });

/** Exact reads over a chunked stream: the bytes asked for, or end of input. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.chunks.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
    return this.buf.length >= n;
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  async read(n: number, what: string): Promise<Buffer> {
    if (!(await this.fill(n))) throw malformed(`the stream ends inside ${what}`);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** The next n bytes as the pieces they arrive in: never joined, never held past their turn. */
  async *take(n: number, what: string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill(1))) throw malformed(`the stream ends inside ${what}`);
      const k = Math.min(left, this.buf.length);
      yield this.buf.subarray(0, k);
      this.buf = this.buf.subarray(k);
      left -= k;
    }
  }

  /** Skips n bytes without holding them (a skippable frame may be up to 4 GiB). */
  async skip(n: number, what: string): Promise<void> {
    for await (const _ of this.take(n, what));
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
  const fhd = await reader.read(1, 'a frame header');
  const d = fhd[0] ?? 0;
  if (d & 0x08) throw malformed('a frame header sets its reserved bit');
  const single = (d >> 5) & 1;
  const fcsFlag = d >> 6;
  const headerRest = (single ? 0 : 1) + ([0, 1, 2, 4][d & 3] ?? 0) + (fcsFlag === 0 ? single : ([0, 2, 4, 8][fcsFlag] ?? 0));
  yield fhd;
  if (headerRest > 0) yield await reader.read(headerRest, 'a frame header');
  for (;;) {
    const header = await reader.read(3, 'a block header');
    const h = header.readUIntLE(0, 3);
    const type = (h >> 1) & 3;
    const size = h >>> 3;
    if (type === 3) throw malformed('a block has the reserved type');
    if (size > MAX_BLOCK_BYTES) throw malformed(`a block of ${size} bytes is larger than zstd allows`);
    yield header;
    // A run-length block stores one byte however long its run.
    const stored = type === 1 ? 1 : size;
    if (stored > 0) yield* reader.take(stored, 'a block');
    if (h & 1) break;
  }
  if ((d >> 2) & 1) yield await reader.read(4, 'a frame checksum');
}

/**
 * Decodes every frame of `source` in order; `decoder()` makes a fresh libzstd decoder (with the
 * window cap) for each data frame.
 */
export async function* decodeZstdFrames(source: AsyncIterable<Buffer>, decoder: () => Transform): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  if (await reader.atEnd()) throw malformed('the stream is empty');
  while (!(await reader.atEnd())) {
    const magic = await reader.read(4, 'a frame magic number');
    const m = magic.readUInt32LE(0);
    if (((m & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) {
      await reader.skip((await reader.read(4, 'a skippable frame size')).readUInt32LE(0), 'a skippable frame');
      continue;
    }
    if (m !== ZSTD_MAGIC) throw malformed(`a frame starts with 0x${m.toString(16).padStart(8, '0')}, not a zstd magic number`);
    const dec = decoder();
    // The frame's own bytes, and only those, go to this decoder; its output is passed on as it comes.
    // pipeline, not pipe: a malformed frame must fail the decoder's output, not stall it.
    yield* pipeline(Readable.from(batched(frameBytes(reader, magic)), { objectMode: false }), dec, () => undefined) as AsyncIterable<Buffer>;
  }
}
