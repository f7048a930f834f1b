/**
 * A tar writer that produces the bytes Go's archive/tar writes, because that is what melange and
 * apko (both Go) emit: USTAR headers with 7-digit octal fields, "ustar\0" + "00" magic, directory
 * names without a trailing slash, and PAX extended headers named `<dir>/PaxHeaders.0/<base>` that
 * carry only extra records (the entry keeps its own name). tar-stream's packer cannot write that
 * layout (it renames the entry to "PaxHeader" and moves the path into the PAX record), so this
 * small encoder is written by hand; see docs/adr/sample-fixtures.md.
 */

export type TarEntry =
  | { readonly type: 'file'; readonly path: string; readonly content: Buffer; readonly mode?: number; readonly pax?: Readonly<Record<string, string>> }
  | { readonly type: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string; readonly pax?: Readonly<Record<string, string>> };

export interface TarOptions {
  /** Modification time of every entry, seconds since the epoch (SOURCE_DATE_EPOCH). */
  readonly mtime: number;
  /** Owner names written in the header: melange writes "root", apko leaves them empty. */
  readonly owner: 'root' | '';
  /** Write the 1024-byte end-of-archive marker (apk control and signature segments omit it). */
  readonly endOfArchive: boolean;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

interface HeaderFields {
  readonly name: string;
  readonly mode: number;
  readonly size: number;
  readonly mtime: number;
  readonly typeflag: string;
  readonly linkname: string;
  readonly owner: string;
  /** PAX header blocks carry no owner or device fields in Go's output. */
  readonly pax: boolean;
}

function header(f: HeaderFields): Buffer {
  if (Buffer.byteLength(f.name) > 100 || Buffer.byteLength(f.linkname) > 100) {
    throw new Error(`tar: name too long for a USTAR header: ${f.name}`);
  }
  const h = Buffer.alloc(BLOCK);
  h.write(f.name, 0, 'utf8');
  h.write(octal(f.mode, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(f.size, 12), 124, 'latin1');
  h.write(octal(f.mtime, 12), 136, 'latin1');
  h.write(' '.repeat(8), 148, 'latin1');
  h.write(f.typeflag, 156, 'latin1');
  h.write(f.linkname, 157, 'utf8');
  h.write('ustar\0' + '00', 257, 'latin1');
  if (!f.pax) {
    h.write(f.owner, 265, 'latin1');
    h.write(f.owner, 297, 'latin1');
    h.write(octal(0, 8), 329, 'latin1');
    h.write(octal(0, 8), 337, 'latin1');
  }
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function pad(content: Buffer): Buffer {
  const rest = content.length % BLOCK;
  return rest === 0 ? content : Buffer.concat([content, Buffer.alloc(BLOCK - rest)]);
}

/** One PAX record: "<len> <key>=<value>\n", where len counts the whole record including itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function paxName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? `PaxHeaders.0/${path}` : `${path.slice(0, slash)}/PaxHeaders.0/${path.slice(slash + 1)}`;
}

function paxBlocks(path: string, pax: Readonly<Record<string, string>> | undefined): Buffer[] {
  if (!pax || Object.keys(pax).length === 0) return [];
  const records = Buffer.from(
    Object.keys(pax)
      .sort()
      .map((k) => paxRecord(k, pax[k] ?? ''))
      .join(''),
  );
  const h = header({ name: paxName(path), mode: 0, size: records.length, mtime: 0, typeflag: 'x', linkname: '', owner: '', pax: true });
  return [h, pad(records)];
}

/** Encodes entries in the order given. */
export function writeTar(entries: readonly TarEntry[], options: TarOptions): Buffer {
  const out: Buffer[] = [];
  const common = { mtime: options.mtime, owner: options.owner, pax: false };
  for (const e of entries) {
    switch (e.type) {
      case 'file':
        out.push(...paxBlocks(e.path, e.pax));
        out.push(header({ ...common, name: e.path, mode: e.mode ?? 0o644, size: e.content.length, typeflag: '0', linkname: '' }));
        out.push(pad(e.content));
        break;
      case 'dir':
        out.push(header({ ...common, name: e.path, mode: e.mode ?? 0o755, size: 0, typeflag: '5', linkname: '' }));
        break;
      case 'symlink':
        out.push(...paxBlocks(e.path, e.pax));
        out.push(header({ ...common, name: e.path, mode: 0o777, size: 0, typeflag: '2', linkname: e.target }));
        break;
    }
  }
  if (options.endOfArchive) out.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(out);
}

/** Sorts paths the way a depth-first, lexical directory walk visits them (filepath.WalkDir). */
export function walkOrder(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Every parent directory of the given paths, e.g. "usr/bin/hello" gives "usr" and "usr/bin". */
export function parentDirs(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort(walkOrder);
}
