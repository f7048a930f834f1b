/**
 * Turns pushed chunks (a producer that calls push() per decompressed chunk) into the pulled
 * source the tar reader reads. push() resolves once the reader has taken the chunk, so at most
 * one chunk waits: the producer is held back by the reader (backpressure) and memory stays flat.
 */
export class ChunkChannel implements AsyncIterable<Buffer> {
  private waiting: { chunk: Buffer; taken: () => void } | undefined;
  private wake: (() => void) | undefined;
  private ended = false;
  private stopped = false;
  private failure: { readonly error: unknown } | undefined;

  /** Resolves when the reader took the chunk; false when the reader has stopped reading. */
  async push(chunk: Buffer): Promise<boolean> {
    if (this.stopped) return false;
    await new Promise<void>((taken) => {
      this.waiting = { chunk, taken };
      this.poke();
    });
    return !this.stopped;
  }

  end(): void {
    this.ended = true;
    this.poke();
  }

  /** The producer failed: the reader's next pull throws this error. */
  fail(error: unknown): void {
    this.failure = { error };
    this.ended = true;
    this.poke();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const w = this.waiting;
        if (w) {
          this.waiting = undefined;
          w.taken();
          yield w.chunk;
          continue;
        }
        if (this.failure) throw this.failure.error;
        if (this.ended) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      // The reader stopped (end, error or early return): release a producer that waits.
      this.stopped = true;
      this.waiting?.taken();
      this.waiting = undefined;
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
