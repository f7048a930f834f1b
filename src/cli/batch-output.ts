import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { messageOf, VouchError } from '../errors.js';

export interface Output {
  write(piece: string): Promise<void>;
  close(): Promise<void>;
}

/** stdout (waiting for it to drain, so that output never piles up in memory) or the --output file. */
export async function outputTo(path: string | undefined): Promise<Output> {
  if (path === undefined) {
    return {
      write: async (piece) => {
        if (piece !== '' && !process.stdout.write(piece)) await once(process.stdout, 'drain');
      },
      close: () => Promise.resolve(),
    };
  }
  const wrap = (err: unknown): never => {
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot write the results to ${path}: ${messageOf(err)}`, cause: err });
  };
  const file = await open(path, 'w').catch(wrap);
  return {
    write: async (piece) => {
      if (piece !== '') await file.write(piece).catch(wrap);
    },
    close: () => file.close(),
  };
}
