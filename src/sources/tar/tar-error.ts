import { displayName } from './names.js';

/** Why an archive was refused, and where. */
export class TarFormatError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based header index (0: before any header). */
    readonly entry: number,
    /** The name of the entry, when it was known. */
    readonly entryName: string | undefined,
  ) {
    super(`${entry > 0 ? `entry ${entry}${entryName !== undefined ? ` "${displayName(entryName)}"` : ''}: ` : ''}${reason}`);
    this.name = 'TarFormatError';
  }
}
