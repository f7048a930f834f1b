import { createHash, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createGzip, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { APK_CHECKSUM_PAX } from './data-segment.js';

/**
 * Builds apk v2 packages and APKINDEX files in memory, the way abuild and melange lay them out.
 * For tests and benchmarks only (hostile inputs, large synthetic packages, signed repositories
 * with keys made on the spot); vouch itself never writes packages.
 */

export interface SyntheticEntry {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  readonly content?: Buffer;
  readonly linkname?: string;
  /** PAX records; default: the APK-TOOLS.checksum.SHA1 apk would write. null: none. */
  readonly pax?: Record<string, string> | null;
}

export interface SyntheticSigner {
  readonly privateKey: KeyObject;
  readonly keyName: string;
  readonly algorithm?: 'RSA' | 'RSA256' | 'RSA512';
}

export interface SyntheticApk {
  /** .PKGINFO fields (datahash is added unless given or `datahash: false`), or raw text. */
  readonly pkginfo?: Readonly<Record<string, string | readonly string[]>> | string;
  readonly datahash?: string | false;
  readonly files?: readonly SyntheticEntry[];
  /** Extra control entries (scripts). */
  readonly control?: readonly SyntheticEntry[];
  readonly signer?: SyntheticSigner;
  /** Split the data segment into this many gzip members (as melange's parallel gzip does). */
  readonly dataMembers?: number;
  readonly gzipLevel?: number;
}

const DIGESTS = { RSA: 'sha1', RSA256: 'sha256', RSA512: 'sha512' } as const;

/** A tar stream of `entries`; `cut` drops the end-of-archive blocks (abuild-tar --cut). */
export async function tarOf(entries: readonly SyntheticEntry[], cut: boolean): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = e.content ?? Buffer.alloc(0);
    const pax = e.pax === undefined ? defaultPax(e, type, content) : e.pax;
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type, mode: type === 'directory' ? 0o755 : 0o644, mtime: new Date(0), ...(e.linkname ? { linkname: e.linkname } : {}), ...(pax ? { pax } : {}) };
      pack.entry(header, type === 'file' ? content : Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  const all = Buffer.concat(chunks);
  return cut ? all.subarray(0, all.length - 1024) : all;
}

function defaultPax(e: SyntheticEntry, type: string, content: Buffer): Record<string, string> | undefined {
  if (type === 'file') return { [APK_CHECKSUM_PAX]: createHash('sha1').update(content).digest('hex') };
  if (type === 'symlink') return { [APK_CHECKSUM_PAX]: createHash('sha1').update(e.linkname ?? '').digest('hex') };
  return undefined;
}

function pkginfoText(fields: Readonly<Record<string, string | readonly string[]>>): string {
  const lines = ['# Generated for a vouch test'];
  for (const [key, value] of Object.entries(fields)) for (const v of typeof value === 'string' ? [value] : value) lines.push(`${key} = ${v}`);
  return `${lines.join('\n')}\n`;
}

/** Gzips `buf` as `members` concatenated members, split at arbitrary (not tar-aligned) offsets. */
export function gzipMembers(buf: Buffer, members: number, level = 6): Buffer {
  const parts: Buffer[] = [];
  const step = Math.ceil(buf.length / Math.max(1, members));
  for (let off = 0; off < buf.length || parts.length === 0; off += step) parts.push(gzipSync(buf.subarray(off, off + step), { level }));
  return Buffer.concat(parts);
}

/** A signature segment: one `.SIGN.<ALG>.<keyname>` entry over `signed`, as its own gzip member. */
export async function signatureSegment(signed: Buffer, signer: SyntheticSigner): Promise<Buffer> {
  const algorithm = signer.algorithm ?? 'RSA256';
  const signature = sign(DIGESTS[algorithm], signed, signer.privateKey);
  return gzipSync(await tarOf([{ name: `.SIGN.${algorithm}.${signer.keyName}`, content: signature, pax: null }], true));
}

/** Builds an apk v2 package. */
export async function buildApk(spec: SyntheticApk): Promise<Buffer> {
  const level = spec.gzipLevel ?? 6;
  const data = gzipMembers(await tarOf(spec.files ?? [], false), spec.dataMembers ?? 1, level);
  const datahash = spec.datahash === undefined ? createHash('sha256').update(data).digest('hex') : spec.datahash;
  const fields = { pkgname: 'synthetic', pkgver: '1.0-r0', arch: 'x86_64', size: '0', license: 'MIT', ...(typeof spec.pkginfo === 'object' ? spec.pkginfo : {}) };
  if (fields.size === '0') fields.size = String((spec.files ?? []).reduce((n, f) => n + (f.content?.length ?? 0), 0));
  const text = typeof spec.pkginfo === 'string' ? spec.pkginfo : pkginfoText(datahash === false ? fields : { ...fields, datahash });
  const control = gzipSync(await tarOf([{ name: '.PKGINFO', content: Buffer.from(text), pax: null }, ...(spec.control ?? [])], true), { level });
  const signature = spec.signer ? await signatureSegment(control, spec.signer) : Buffer.alloc(0);
  return Buffer.concat([signature, control, data]);
}

/** Builds APKINDEX.tar.gz from index text (signed when a signer is given). */
export async function buildApkIndex(text: string, signer?: SyntheticSigner): Promise<Buffer> {
  const content = gzipSync(await tarOf([{ name: 'DESCRIPTION', content: Buffer.from('synthetic'), pax: null }, { name: 'APKINDEX', content: Buffer.from(text), pax: null }], false));
  const signature = signer ? await signatureSegment(content, signer) : Buffer.alloc(0);
  return Buffer.concat([signature, content]);
}

/** The `C:` value an index gives for a package: "Q1" + base64 SHA-1 of its control member. */
export function indexChecksumOf(control: Buffer): string {
  return `Q1${createHash('sha1').update(control).digest('base64')}`;
}

/**
 * An endless, valid gzip stream: a tar header declaring an 8 GiB APKINDEX entry, then `next()`
 * forever, compressed as one gzip member that never ends. Only a cap can stop reading it.
 */
export async function* endlessApkIndex(next: () => Buffer): AsyncGenerator<Buffer> {
  const header = (await tarOf([{ name: 'APKINDEX', content: Buffer.alloc(0), pax: null }], true)).subarray(0, 512);
  header.write('77777777777\0', 124, 'latin1'); // size field: 8 GiB - 1, octal
  header.fill(' ', 148, 156); // checksum field counts as spaces while summing
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const gz = createGzip({ level: 1 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  try {
    gz.write(header);
    for (;;) {
      gz.write(next());
      await new Promise<void>((resolve) => gz.flush(() => resolve()));
      yield* out.splice(0);
    }
  } finally {
    gz.destroy();
  }
}

/** Text that compresses about 4:1, in lines of `width` characters. */
export function randomIndexLines(width: number, bytes = 65536): () => Buffer {
  return () => {
    const hex = randomBytes(bytes / 8).toString('hex').repeat(4).slice(0, bytes);
    const lines: string[] = [];
    for (let off = 0; off < hex.length; off += width) lines.push(`X:${hex.slice(off, off + width - 3)}`);
    return Buffer.from(`${lines.join('\n')}\n`);
  };
}
