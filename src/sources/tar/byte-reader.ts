/**
 * Pulls exact byte counts out of a chunked source (a stream, or a list of buffers). The tar
 * reader asks for one header block at a time and streams entry content in the source's own
 * chunks, so nothing larger than a chunk (or a 1 MiB PAX/GNU meta entry) is held at once.
 */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private chunk: Buffer = Buffer.alloc(0);
  private at = 0;
  private ended = false;
  /** Bytes handed out so far: the offset of the next byte in the source. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source as Iterable<Uint8Array>);
  }

  /** Up to n bytes: fewer only at the end of the source. */
  async read(n: number): Promise<Buffer> {
    if (this.at + n <= this.chunk.length) {
      const out = this.chunk.subarray(this.at, this.at + n);
      this.at += n;
      this.position += n;
      return out;
    }
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const part = await this.next(need);
      if (part === undefined) break;
      parts.push(part);
      need -= part.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  /** The next piece of at most `max` bytes, in the source's chunking; undefined at the end. */
  async next(max: number): Promise<Buffer | undefined> {
    while (this.at >= this.chunk.length) {
      if (this.ended) return undefined;
      const r = await this.it.next();
      if (r.done === true) {
        this.ended = true;
        return undefined;
      }
      const v = r.value;
      this.chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
      this.at = 0;
    }
    const end = Math.min(this.chunk.length, this.at + max);
    const out = this.chunk.subarray(this.at, end);
    this.at = end;
    this.position += out.length;
    return out;
  }

  /** Stops the source early (a stream is destroyed by its iterator's return()). */
  async close(): Promise<void> {
    this.ended = true;
    await this.it.return?.();
  }
}

async function* toAsync(items: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* items;
}
