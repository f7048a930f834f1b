import { ByteReader } from './byte-reader.js';
import { BLOCK, HeaderError, isZeroBlock, parseHeader } from './header.js';
import type { RawHeader } from './header.js';
import { decodeName, displayName } from './names.js';
import { checkPaxTime, paxInteger, parsePaxRecords } from './pax.js';

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

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarHeader {
  /** The entry name as Go resolves it (lossless, see names.ts); not normalised. */
  readonly name: string;
  readonly linkname: string;
  readonly type: TarEntryType;
  /** Content bytes (0 for every type but 'file'). */
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** The records of the entry's own PAX header (empty without one). */
  readonly pax: ReadonlyMap<string, string>;
}

export interface TarEntry {
  readonly header: TarHeader;
  /** 1-based position of the entry's first header block among all header blocks. */
  readonly index: number;
  /** The content; what is not read is skipped when the next entry is asked for. */
  readonly content: AsyncIterable<Buffer>;
}

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

/** Go's maxSpecialFileSize: a PAX header or GNU long name body larger than this is an error. */
const MAX_META_BYTES = 1024 * 1024;

interface Pending {
  pax?: Map<string, string>;
  longName?: Buffer;
  longLink?: Buffer;
}

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

/**
 * Go's order (reader.go next): the PAX records are merged into the header (an empty value keeps
 * the header's field), then a non-empty GNU long name or link replaces name or link name.
 */
function resolveHeader(raw: RawHeader, pending: Pending, bad: (reason: string, name?: string) => TarFormatError): TarHeader {
  const pax = pending.pax ?? new Map<string, string>();
  const headerError = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (err instanceof HeaderError) throw bad(err.message);
      throw err;
    }
  };
  let name = decodeName(raw.name);
  let linkname = decodeName(raw.linkname);
  const paxPath = pax.get('path') ?? '';
  const paxLink = pax.get('linkpath') ?? '';
  if (paxPath !== '') name = paxPath;
  if (paxLink !== '') linkname = paxLink;
  if (pending.longName !== undefined && pending.longName.length > 0) {
    const gnu = decodeName(pending.longName);
    if (paxPath !== '' && gnu !== paxPath) throw bad(`GNU long name "${displayName(gnu)}" and PAX path "${displayName(paxPath)}" disagree`, gnu);
    name = gnu;
  }
  if (pending.longLink !== undefined && pending.longLink.length > 0) {
    const gnu = decodeName(pending.longLink);
    if (paxLink !== '' && gnu !== paxLink) throw bad(`GNU long link name "${displayName(gnu)}" and PAX linkpath "${displayName(paxLink)}" disagree`, name);
    linkname = gnu;
  }
  let size = raw.size;
  let uid = raw.uid;
  let gid = raw.gid;
  headerError(() => {
    for (const key of pax.keys()) if (key.startsWith('GNU.sparse.')) throw new HeaderError(`GNU sparse file (PAX ${key})`);
    const paxSize = pax.get('size') ?? '';
    if (paxSize !== '') {
      size = paxInteger(paxSize, 'size');
      if (raw.size !== 0 && raw.size !== size) throw new HeaderError(`PAX size ${size} and header size ${raw.size} disagree`);
    }
    if ((pax.get('uid') ?? '') !== '') uid = paxInteger(pax.get('uid') as string, 'uid');
    if ((pax.get('gid') ?? '') !== '') gid = paxInteger(pax.get('gid') as string, 'gid');
    for (const key of ['mtime', 'atime', 'ctime']) if ((pax.get(key) ?? '') !== '') checkPaxTime(pax.get(key) as string, key);
  });
  const type = typeOf(raw.typeflag, name, bad);
  if (type !== 'file' && size !== 0) throw bad(`a ${type} entry with size ${size} (Go reads no content for it, other readers skip ${size} bytes)`, name);
  return { name, linkname, type, size, mode: raw.mode, uid, gid, pax };
}

function typeOf(flag: string, name: string, bad: (reason: string, name?: string) => TarFormatError): TarEntryType {
  switch (flag) {
    case '0':
      return 'file';
    case '\0':
      // Go: old archives mark directories with a trailing slash (after PAX and GNU names apply).
      return name.endsWith('/') ? 'dir' : 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    case 'S':
      throw bad('GNU sparse file (not supported)', name);
    default:
      throw bad(`unsupported entry type ${JSON.stringify(flag)}`, name);
  }
}

/**
 * After the first zero block: a second one ends the archive (Go), and from then on only zero
 * bytes may follow. One zero block at the very end is also an end, as in Go.
 */
async function endOfArchive(r: ByteReader): Promise<void> {
  const second = await r.read(BLOCK);
  if (second.length === 0) return;
  if (second.length < BLOCK || !isZeroBlock(second)) {
    throw new TarFormatError(`a zero block followed by data at byte ${r.position - second.length}`, 0, undefined);
  }
  for (;;) {
    const at = r.position;
    const part = await r.next(64 * 1024);
    if (part === undefined) return;
    const nonZero = part.findIndex((b) => b !== 0);
    if (nonZero >= 0) {
      const offset = at + nonZero;
      throw new TarFormatError(`data after the end-of-archive marker at byte ${offset}${await entryNameAt(r, part, nonZero, offset)}`, 0, undefined);
    }
  }
}

/** When the data after the marker starts on a block boundary with a valid header, its name (for the message). */
async function entryNameAt(r: ByteReader, part: Buffer, at: number, offset: number): Promise<string> {
  if (offset % BLOCK !== 0) return '';
  let block = part.subarray(at, at + BLOCK);
  if (block.length < BLOCK) block = Buffer.concat([block, await r.read(BLOCK - block.length)]);
  try {
    return block.length === BLOCK ? ` (an entry "${displayName(decodeName(parseHeader(block).name))}")` : '';
  } catch {
    return '';
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function beforeNul(body: Buffer): Buffer {
  const nul = body.indexOf(0);
  return nul < 0 ? body : body.subarray(0, nul);
}
