import { isVouchError, messageOf, VouchError } from '../../errors.js';
import { readTar } from '../tar/reader.js';
import type { TarEntryType } from '../tar/reader.js';

/** One entry of a small tar read whole: the signature and control segments of an apk. */
export interface SmallTarEntry {
  readonly name: string;
  readonly type: TarEntryType;
  readonly size: number;
  readonly content: Buffer;
}

/**
 * Reads a tar held in memory (an apk signature or control segment, already size-capped by the
 * caller) into its entries. These segments are tar streams without the end-of-archive blocks,
 * which the tar reader accepts (as Go's archive/tar does) when the data ends on an entry
 * boundary; what it refuses elsewhere (contradicting names, data after an end marker) it
 * refuses here too.
 */
export async function readSmallTar(buf: Buffer, what: string, maxEntries: number): Promise<SmallTarEntry[]> {
  const entries: SmallTarEntry[] = [];
  try {
    for await (const entry of readTar([buf])) {
      if (entries.length >= maxEntries) throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `${what} has more than ${maxEntries} entries` });
      const chunks: Buffer[] = [];
      for await (const chunk of entry.content) chunks.push(chunk);
      entries.push({ name: entry.header.name, type: entry.header.type, size: entry.header.size, content: Buffer.concat(chunks) });
    }
  } catch (err) {
    if (isVouchError(err)) throw err;
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `${what} is not a readable tar stream: ${messageOf(err)}`, cause: err });
  }
  return entries;
}
