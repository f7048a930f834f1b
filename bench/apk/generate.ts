/**
 * Packages the apk benchmarks generate on the spot (never committed): 100 MB packages of three
 * kinds of content, and a signed repository of many small packages. Signed with a key made here;
 * the public key is written as `<dir>/keys/bench.rsa.pub` for vouch and apk-tools alike.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApk, buildApkIndex, indexChecksumOf } from '../../dist/sources/apk/build-apk.js';
import type { SyntheticEntry } from '../../src/sources/apk/build-apk.js';
import { readApk } from '../../dist/sources/apk/read-apk.js';
import { DEFAULT_LIMITS } from '../../dist/pipeline/options.js';

export const KEY_NAME = 'bench.rsa.pub';

export interface Signer {
  readonly privateKey: KeyObject;
  readonly keysDir: string;
  readonly keyPath: string;
}

export function makeSigner(dir: string): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const keysDir = join(dir, 'keys');
  mkdirSync(keysDir, { recursive: true });
  const keyPath = join(keysDir, KEY_NAME);
  writeFileSync(keyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, keysDir, keyPath };
}

export type Content = 'ordinary' | 'incompressible' | 'compressible';

/** Words of 2-9 letters drawn from a vocabulary of 2,000: deflate makes about 3:1 of it. */
function wordCorpus(bytes: number): Buffer {
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const random = randomBytes(2000 * 9);
  const words = Array.from({ length: 2000 }, (_, i) => {
    const length = 2 + ((random[i * 9] as number) % 8);
    return Array.from({ length }, (_, k) => letters[((random[i * 9 + k] as number) % 26) % (k === 0 ? 26 : 12 + (i % 14))]).join('');
  });
  const parts: string[] = [];
  const pick = randomBytes(bytes);
  for (let i = 0, n = 0; n < bytes; i += 2) {
    const w = words[pick.readUInt16LE(i % (pick.length - 2)) % words.length] as string;
    parts.push(w);
    n += w.length + 1;
  }
  return Buffer.from(parts.join(' ')).subarray(0, bytes);
}

/**
 * About `total` bytes of files: ordinary (4 KiB to 2 MiB files of text-like words, an eighth of
 * the bytes random like the code sections of binaries, about 2.2:1 overall), incompressible (1 MiB
 * random files) or extremely compressible (1 MiB files of zeros with a random byte per 4 KiB,
 * about 250:1, under the default 1000:1 ratio cap).
 */
export function files(content: Content, total: number): SyntheticEntry[] {
  const out: SyntheticEntry[] = [];
  const corpus = content === 'ordinary' ? wordCorpus(8 * 1024 * 1024) : Buffer.alloc(0);
  for (let n = 0, i = 0; n < total; i++) {
    let data: Buffer;
    if (content === 'incompressible') data = randomBytes(1024 * 1024);
    else if (content === 'compressible') {
      data = Buffer.alloc(1024 * 1024);
      for (let off = 0; off < data.length; off += 4096) data[off] = randomBytes(1)[0] as number;
    } else {
      const size = Math.min(2 * 1024 * 1024, 4096 * 2 ** (i % 10));
      if (i % 10 === 7) data = randomBytes(size);
      else {
        const at = (randomBytes(4).readUInt32LE(0) % (corpus.length - size)) & ~7;
        data = Buffer.from(corpus.subarray(at, at + size));
      }
    }
    out.push({ name: `usr/share/bench/${i}.bin`, content: data });
    n += data.length;
  }
  return out;
}

/** A signed package of about `total` bytes of `content`, written to `path`. */
export async function writeBigApk(path: string, content: Content, total: number, signer: Signer): Promise<number> {
  const apk = await buildApk({ files: files(content, total), pkginfo: { pkgname: `big-${content}`, pkgver: '1.0-r0' }, signer: { privateKey: signer.privateKey, keyName: KEY_NAME } });
  writeFileSync(path, apk);
  return apk.length;
}

/**
 * A flat repository of `count` small signed packages (4 files of 1-8 KiB each, text-like) and its
 * signed APKINDEX.tar.gz, in `<dir>/x86_64/`. Returns the repository directory.
 */
export async function writeRepository(dir: string, count: number, signer: Signer): Promise<string> {
  const arch = join(dir, 'x86_64');
  mkdirSync(arch, { recursive: true });
  const corpus = wordCorpus(256 * 1024);
  const records: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-${i}`;
    const entries: SyntheticEntry[] = Array.from({ length: 4 }, (_, k) => {
      const at = (i * 4099 + k * 8191) % (corpus.length - 8192);
      return { name: `usr/share/${name}/${k}.txt`, content: Buffer.from(corpus.subarray(at, at + 1024 * (1 + ((i + k) % 8)))) };
    });
    const apk = await buildApk({ files: entries, pkginfo: { pkgname: name, pkgver: '1.0-r0' }, signer: { privateKey: signer.privateKey, keyName: KEY_NAME } });
    writeFileSync(join(arch, `${name}-1.0-r0.apk`), apk);
    const read = await readApk([apk], DEFAULT_LIMITS);
    records.push(`C:${indexChecksumOf(read.control.compressed)}\nP:${name}\nV:1.0-r0\nA:x86_64\nS:${apk.length}\nI:${entries.reduce((s, e) => s + (e.content?.length ?? 0), 0)}\nT:bench\nU:https://example.invalid\nL:MIT\n`);
  }
  writeFileSync(join(arch, 'APKINDEX.tar.gz'), await buildApkIndex(`${records.join('\n')}\n`, { privateKey: signer.privateKey, keyName: KEY_NAME }));
  return dir;
}

/** Hex SHA-256, for the bench's own sanity checks. */
export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
