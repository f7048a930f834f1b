import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { PROJECT_ROOT } from './cli.js';

/**
 * The committed sample world (testdata/sample, made by `npm run fixtures`): paths for tests and
 * small readers that check it with nothing but node's crypto and zlib and tar-stream.
 */
export const SAMPLE_DIR = join(PROJECT_ROOT, 'testdata', 'sample');
export const samplePath = (...parts: string[]): string => join(SAMPLE_DIR, ...parts);

export interface SampleManifest {
  readonly keys: { readonly apk: string; readonly rogueApk: string; readonly cosign: string };
  readonly trustedRoot: string;
  readonly identity: string;
  readonly issuer: string;
  readonly sourceUri: string;
  readonly apkRepository: string;
  readonly apks: readonly { file: string; name: string; version: string; arch: string; sha256: string; size: number; checksum: string; datahash: string }[];
  readonly image: SampleImage;
  readonly twins: readonly { name: string; subject: string; apk?: string; image?: SampleImage; wrong: string; caughtBy: string; mentions: readonly string[] }[];
}

export interface SampleImage {
  readonly layout: string;
  readonly tag: string;
  readonly index: string;
  readonly platforms: Readonly<Record<string, string>>;
}

export function sampleManifest(dir: string = SAMPLE_DIR): SampleManifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as SampleManifest;
}

/** Sample trust material, as CLI flags take it. */
export const SAMPLE_KEYS = {
  apk: samplePath('keys', 'vouch-sample.rsa.pub'),
  rogueApk: samplePath('keys', 'rogue-builder.rsa.pub'),
  cosign: samplePath('keys', 'cosign.pub'),
  trustedRoot: samplePath('trusted_root.json'),
};

/** Splits concatenated gzip members (an apk, an APKINDEX.tar.gz) into their compressed bytes and contents. */
export function gzipMembers(buf: Buffer): { raw: Buffer; data: Buffer }[] {
  const members: { raw: Buffer; data: Buffer }[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf[off] !== 0x1f || buf[off + 1] !== 0x8b) throw new Error(`no gzip member at ${off}`);
    const flags = buf[off + 3] ?? 0;
    let p = off + 10;
    if (flags & 4) p += 2 + buf.readUInt16LE(p);
    if (flags & 8) while (buf[p++] !== 0);
    if (flags & 16) while (buf[p++] !== 0);
    if (flags & 2) p += 2;
    const r = inflateRawSync(buf.subarray(p), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    const end = p + r.engine.bytesWritten + 8;
    members.push({ raw: buf.subarray(off, end), data: r.buffer });
    off = end;
  }
  return members;
}

export interface TarItem {
  readonly name: string;
  readonly type: string;
  readonly mode: number;
  readonly linkname?: string;
  readonly pax: Readonly<Record<string, string>>;
  readonly content: Buffer;
}

/** Lists a tar stream (tolerating a missing end-of-archive, as apk segments have). */
export async function readTar(data: Buffer): Promise<TarItem[]> {
  const items: TarItem[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        items.push({ name: h.name, type: h.type ?? 'file', mode: h.mode ?? 0, linkname: h.linkname ?? undefined, pax: (h.pax ?? {}) as Record<string, string>, content: Buffer.concat(chunks) });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  Readable.from([data]).pipe(ex);
  await done;
  return items;
}
