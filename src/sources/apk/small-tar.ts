import tar from 'tar-stream';
import { fail, isVouchError, messageOf, VouchError } from '../../errors.js';

/** One entry of a small tar read whole: the signature and control segments of an apk. */
export interface SmallTarEntry {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly content: Buffer;
}

/**
 * Reads a tar held in memory (an apk signature or control segment, already size-capped by the
 * caller) into its entries. These segments are tar streams without the end-of-archive blocks,
 * which tar-stream accepts as long as the data ends on an entry boundary.
 */
export function readSmallTar(buf: Buffer, what: string, maxEntries: number): Promise<SmallTarEntry[]> {
  const entries: SmallTarEntry[] = [];
  const extract = tar.extract();
  return new Promise<SmallTarEntry[]>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      stream.on('error', () => undefined);
      if (entries.length >= maxEntries) {
        next(new VouchError({ code: 'LIMIT_EXCEEDED', message: `${what} has more than ${maxEntries} entries` }));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, type: header.type, size: header.size, content: Buffer.concat(chunks) });
        next();
      });
    });
    let finished = false;
    extract.on('finish', () => {
      finished = true;
      resolve(entries);
    });
    extract.on('error', (err: unknown) => {
      if (isVouchError(err)) reject(err);
      else reject(new VouchError({ code: 'INPUT_MALFORMED', message: `${what} is not a readable tar stream: ${messageOf(err)}`, cause: err }));
    });
    extract.on('close', () => {
      if (!finished) reject(new VouchError({ code: 'INPUT_MALFORMED', message: `${what} ended early` }));
    });
    extract.end(buf);
  }).catch((err: unknown) => (isVouchError(err) ? Promise.reject(err) : fail('INTERNAL', messageOf(err))));
}
