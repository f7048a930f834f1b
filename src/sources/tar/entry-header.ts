import { HeaderError } from './header.js';
import type { RawHeader } from './header.js';
import { decodeName, displayName } from './names.js';
import { checkPaxTime, paxInteger } from './pax.js';
import type { TarFormatError } from './tar-error.js';

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

export interface Pending {
  pax?: Map<string, string>;
  longName?: Buffer;
  longLink?: Buffer;
}

/**
 * Go's order (reader.go next): the PAX records are merged into the header (an empty value keeps
 * the header's field), then a non-empty GNU long name or link replaces name or link name.
 */
export function resolveHeader(raw: RawHeader, pending: Pending, bad: (reason: string, name?: string) => TarFormatError): TarHeader {
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
