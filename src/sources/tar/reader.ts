import { ByteReader } from './byte-reader.js';
import { endOfArchive } from './end-of-archive.js';
import { resolveHeader } from './entry-header.js';
import type { Pending, TarHeader } from './entry-header.js';
import { BLOCK, HeaderError, isZeroBlock, parseHeader } from './header.js';
import type { RawHeader } from './header.js';
import { decodeName } from './names.js';
import { parsePaxRecords } from './pax.js';
import { TarFormatError } from './tar-error.js';

export type { TarEntryType, TarHeader } from './entry-header.js';
export { TarFormatError } from './tar-error.js';

export interface TarEntry {
  readonly header: TarHeader;
  /** 1-based position of the entry's first header block among all header blocks. */
  readonly index: number;
  /** The content; what is not read is skipped when the next entry is asked for. */
  readonly content: AsyncIterable<Buffer>;
}

/** Go's maxSpecialFileSize: a PAX header or GNU long name body larger than this is an error. */
const MAX_META_BYTES = 1024 * 1024;

/**
 * The one tar reader of vouch (image layers, apk segments, docker archives). An entry's name,
 * type, size and content are what Go's archive/tar returns for the same bytes, since containerd
 * and umoci unpack image layers with it; wherever tar readers are known to disagree, the archive
 * is refused (TarFormatError) rather than read one way:
 *  - the end-of-archive marker (two zero blocks) ends the archive, as in Go; anything but zero
 *    bytes after it is refused (other readers go on reading entries there);
 *  - PAX records apply before a GNU long name or link name (Go's order); an entry whose PAX path
 *    and GNU long name (or PAX linkpath and GNU long link) differ is refused;
 *  - a second PAX header, GNU long name or long link for one entry is refused (Go keeps the last,
 *    others merge or keep the first), as is a meta header with no entry after it;
 *  - PAX global headers are refused: containerd ignores them, umoci refuses them, GNU tar and
 *    libarchive apply them;
 *  - sparse files, contiguous files and unknown types are refused (containerd refuses or
 *    expands them); a size on a link, directory or device is refused (Go skips no data for it);
 *  - names are bytes, decoded losslessly (names.ts).
 */
export async function* readTar(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source);
  let index = 0;
  let name: string | undefined;
  const bad = (reason: string): TarFormatError => new TarFormatError(reason, index, name);
  const readBody = async (size: number, what: string): Promise<Buffer> => {
    if (size > MAX_META_BYTES) throw bad(`${what} is larger than ${MAX_META_BYTES} bytes`);
    const body = await r.read(size);
    if (body.length < size) throw bad(`the archive ends inside a ${what}`);
    await r.read(padding(size));
    return body;
  };
  try {
    let pending: Pending = {};
    for (;;) {
      name = undefined;
      const block = await r.read(BLOCK);
      const dangling = pending.pax !== undefined || pending.longName !== undefined || pending.longLink !== undefined;
      if (block.length === BLOCK && !isZeroBlock(block)) index += 1;
      else if (block.length === BLOCK || block.length === 0) {
        if (dangling) throw bad('a PAX header or GNU long name is not followed by an entry');
        if (block.length > 0) await endOfArchive(r);
        return;
      } else throw bad('the archive ends inside a header block');
      let raw: RawHeader;
      try {
        raw = parseHeader(block);
      } catch (err) {
        if (err instanceof HeaderError) throw bad(err.message);
        throw err;
      }
      name = decodeName(raw.name);
      switch (raw.typeflag) {
        case 'x':
          if (pending.pax) throw bad('a second PAX header for one entry');
          pending.pax = parseRecords(await readBody(raw.size, 'PAX header'), bad);
          continue;
        case 'g':
          // containerd skips global headers, umoci refuses the layer, GNU tar applies them to
          // every later entry: three readings, so none is picked.
          throw bad('a PAX global header (containerd ignores it, umoci refuses it, GNU tar applies it)');
        case 'L':
          if (pending.longName) throw bad('a second GNU long name for one entry');
          pending.longName = beforeNul(await readBody(raw.size, 'GNU long name'));
          continue;
        case 'K':
          if (pending.longLink) throw bad('a second GNU long link name for one entry');
          pending.longLink = beforeNul(await readBody(raw.size, 'GNU long link name'));
          continue;
        default:
          break;
      }
      const header = resolveHeader(raw, pending, (reason, resolved) => {
        if (resolved !== undefined) name = resolved;
        return bad(reason);
      });
      name = header.name;
      pending = {};
      let remaining = header.size;
      const content: AsyncIterable<Buffer> = {
        async *[Symbol.asyncIterator]() {
          while (remaining > 0) {
            const part = await r.next(remaining);
            if (part === undefined) throw bad('the archive ends inside the content');
            remaining -= part.length;
            yield part;
          }
        },
      };
      yield { header, index, content };
      while (remaining > 0) {
        const part = await r.next(remaining);
        if (part === undefined) throw bad('the archive ends inside the content');
        remaining -= part.length;
      }
      // Go tolerates an archive that ends inside the last entry's padding; so does this.
      await r.read(padding(header.size));
    }
  } finally {
    await r.close();
  }
}

function parseRecords(body: Buffer, bad: (reason: string) => TarFormatError): Map<string, string> {
  try {
    return parsePaxRecords(body);
  } catch (err) {
    if (err instanceof HeaderError) throw bad(err.message);
    throw err;
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function beforeNul(body: Buffer): Buffer {
  const nul = body.indexOf(0);
  return nul < 0 ? body : body.subarray(0, nul);
}
