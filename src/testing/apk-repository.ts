import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApk, buildApkIndex, indexChecksumOf } from '../sources/apk/build-apk.js';
import { readApk } from '../sources/apk/read-apk.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';

export interface GeneratedRepository {
  /** The repository root (packages and index in <root>/<arch>/). */
  readonly root: string;
  /** The trusted public key file. */
  readonly key: string;
  readonly privateKey: KeyObject;
  /** The packages' names as batch subjects: name=version, in index order. */
  readonly subjects: readonly string[];
  /** The file of package `i`. */
  file(i: number): string;
}

/**
 * Writes a signed apk repository of `count` small generated packages under `root` (standard
 * layout, <root>/x86_64/), with a key made on the spot: for batch tests that need more subjects
 * than the sample repository has.
 */
export async function writeGeneratedRepository(root: string, count: number): Promise<GeneratedRepository> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = join(root, 'x86_64');
  mkdirSync(dir, { recursive: true });
  const key = join(root, 'gen.rsa.pub');
  writeFileSync(key, publicKey.export({ type: 'spki', format: 'pem' }));
  const signer = { privateKey, keyName: 'gen.rsa.pub' };
  const records: string[] = [];
  const subjects: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `pkg${String(i).padStart(4, '0')}`;
    const apk = await buildApk({ pkginfo: { pkgname: name, pkgver: '1.0-r0', arch: 'x86_64' }, files: [{ name: `usr/share/${name}/data`, content: Buffer.from(`content of ${name}\n`) }], signer });
    writeFileSync(join(dir, `${name}-1.0-r0.apk`), apk);
    const { control } = await readApk([apk], DEFAULT_LIMITS);
    records.push(`C:${indexChecksumOf(control.compressed)}\nP:${name}\nV:1.0-r0\nA:x86_64\nS:${apk.length}\n`);
    subjects.push(`${name}=1.0-r0`);
  }
  writeFileSync(join(dir, 'APKINDEX.tar.gz'), await buildApkIndex(`${records.join('\n')}\n`, signer));
  return { root, key, privateKey, subjects, file: (i) => join(dir, `pkg${String(i).padStart(4, '0')}-1.0-r0.apk`) };
}
