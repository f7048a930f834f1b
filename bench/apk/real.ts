/**
 * The real packages of ../shared/realdata whose signature verifies with a key found there (so
 * that apk-tools, like vouch, reads each one whole), with a keys directory holding each signing
 * key under the name the package gives it (apk-tools looks keys up by that name).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../dist/pipeline/options.js';
import { readApk } from '../../dist/sources/apk/read-apk.js';
import { REALDATA } from '../../dist/testing/realdata.js';
import { loadApkKeyring, verifyApkSignatures } from '../../dist/trust/apk/index.js';

function find(dir: string, pred: (name: string, path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return find(path, pred);
    return pred(e.name, path) ? [path] : [];
  });
}

export interface RealSet {
  readonly packages: readonly string[];
  readonly keysDir: string;
  readonly bytes: number;
}

/** Undefined when ../shared/realdata is absent. */
export async function realPackages(workDir: string): Promise<RealSet | undefined> {
  const apks = find(REALDATA, (n, p) => n.endsWith('.apk') && statSync(p).size > 0).sort();
  if (apks.length === 0) return undefined;
  const keys = find(REALDATA, (n) => n.endsWith('.rsa.pub') && !n.startsWith('.SIGN')).sort();
  const keyring = await loadApkKeyring({ keys, keyrings: [] });
  const keysDir = join(workDir, 'real-keys');
  mkdirSync(keysDir, { recursive: true });
  const placed = new Map<string, string>();
  const packages: string[] = [];
  for (const path of apks) {
    const apk = await readApk([readFileSync(path)], DEFAULT_LIMITS);
    const outcome = verifyApkSignatures(apk.signatures, (a) => createHash(a).update(apk.control.compressed).digest(), keyring);
    if (outcome.status !== 'verified') continue;
    const name = outcome.entry.keyName;
    const digest = createHash('sha256').update(readFileSync(outcome.key.path)).digest('hex');
    if (placed.has(name) && placed.get(name) !== digest) continue;
    if (!placed.has(name)) copyFileSync(outcome.key.path, join(keysDir, name));
    placed.set(name, digest);
    packages.push(path);
  }
  return { packages, keysDir, bytes: packages.reduce((n, p) => n + statSync(p).size, 0) };
}
