/**
 * A byte-level tar writer for hostile tests: every header field, meta header and trailing byte is
 * the test's choice (tar-stream would normalise exactly what these tests need to get wrong).
 */
import { gzipSync } from 'node:zlib';
import { blobOf, manifestOf, sha256 } from './registry.js';
import type { BuiltBlob, BuiltImage } from './registry.js';

export interface RawEntry {
  /** Name field bytes (a string is UTF-8). */
  readonly name: string | Buffer;
  /** Typeflag character: '0' file, '5' dir, '2' symlink, '1' hardlink, 'x' PAX, 'g' global, 'L'/'K' GNU. */
  readonly type?: string;
  readonly linkname?: string | Buffer;
  readonly content?: string | Buffer;
  /** Size field; defaults to the content length. */
  readonly size?: number;
  readonly prefix?: string;
  readonly format?: 'ustar' | 'gnu' | 'v7';
  readonly mode?: number;
}

const bytes = (v: string | Buffer | undefined): Buffer => (v === undefined ? Buffer.alloc(0) : typeof v === 'string' ? Buffer.from(v) : v);

export function header(e: RawEntry): Buffer {
  const b = Buffer.alloc(512);
  bytes(e.name).copy(b, 0, 0, 100);
  const octal = (v: number, at: number, len: number): void => void b.write(`${v.toString(8).padStart(len - 1, '0')}\0`, at, 'latin1');
  octal(e.mode ?? 0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(e.size ?? bytes(e.content).length, 124, 12);
  octal(0, 136, 12);
  b.write(e.type ?? '0', 156, 'latin1');
  bytes(e.linkname).copy(b, 157, 0, 100);
  const format = e.format ?? 'ustar';
  if (format === 'ustar') b.write('ustar\u000000', 257, 'latin1');
  if (format === 'gnu') b.write('ustar  \u0000', 257, 'latin1');
  if (e.prefix !== undefined) b.write(e.prefix, 345, 'utf8');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** One entry: header, content, padding to the block. */
export function entry(e: RawEntry): Buffer {
  const content = bytes(e.content);
  return Buffer.concat([header(e), content, Buffer.alloc((512 - (content.length % 512)) % 512)]);
}

/** A PAX extended header entry holding these records (typeflag 'x', or 'g' for a global one). */
export function pax(records: Record<string, string | Buffer>, type: 'x' | 'g' = 'x'): Buffer {
  const body = Buffer.concat(
    Object.entries(records).map(([k, v]) => {
      const rec = Buffer.concat([Buffer.from(` ${k}=`), bytes(v), Buffer.from('\n')]);
      let len = rec.length + 1;
      while (String(len).length + rec.length !== len) len += 1;
      return Buffer.concat([Buffer.from(String(len)), rec]);
    }),
  );
  return entry({ name: 'PaxHeader', type, content: body });
}

/** A GNU long name ('L') or long link ('K') entry. */
export function gnuLong(name: string | Buffer, type: 'L' | 'K' = 'L'): Buffer {
  return entry({ name: '././@LongLink', type, content: Buffer.concat([bytes(name), Buffer.of(0)]), format: 'gnu' });
}

export const file = (name: string | Buffer, content: string | Buffer = ''): Buffer => entry({ name, content });
export const END = Buffer.alloc(1024);

/** A tar archive: entries then the end-of-archive marker, then `after` (what follows the marker). */
export function tar(entries: readonly Buffer[], after: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([...entries, END, after]);
}

/** An image whose layers are these tar archives (gzip unless told), with matching diff_ids. */
export function imageOfTars(tars: readonly Buffer[], compress: (t: Buffer) => { bytes: Buffer; mediaType: string } = gzipLayer): BuiltImage {
  const layers: BuiltBlob[] = tars.map((t) => {
    const c = compress(t);
    return blobOf(c.bytes, c.mediaType);
  });
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: {}, rootfs: { type: 'layers', diff_ids: tars.map((t) => sha256(t)) } }));
  const configBlob = blobOf(config, 'application/vnd.oci.image.config.v1+json');
  return { manifest: manifestOf(configBlob, layers), config: configBlob, layers };
}

export function gzipLayer(t: Buffer): { bytes: Buffer; mediaType: string } {
  return { bytes: gzipSync(t), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
}
