import { fail } from '../../errors.js';

/** The part of a writable stream (node or streamx) that backpressure needs. */
export interface BackpressureWritable {
  write(chunk: Buffer): boolean;
  once(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  off(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  readonly destroyed?: boolean;
}

/**
 * Writes `chunk` and, when the stream asks for it, waits for 'drain'. A stream that closes or
 * fails instead ends the wait (never a hang); `failure` tells why, and is thrown.
 */
export async function writeWithBackpressure(stream: BackpressureWritable, chunk: Buffer, failure: () => unknown): Promise<void> {
  const throwIfFailed = (): void => {
    const err = failure();
    if (err !== undefined) throw err;
    if (stream.destroyed) fail('INPUT_MALFORMED', 'the archive reader stopped before the end of the data');
  };
  throwIfFailed();
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
  });
  throwIfFailed();
}
