import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * TEST-ONLY keys. They are generated once, committed under testdata/sample/keys, and only read
 * afterwards: regenerating the fixtures must never change a key (every signature would change).
 */
export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as PEM (SPKI), exactly as committed. */
  readonly publicPem: string;
}

export interface SampleKeys {
  /** apk signing key; its public half is named like melange's: vouch-sample.rsa.pub. */
  readonly apk: KeyPair;
  /** A key nobody trusts, for the "signed by an unknown key" twin. */
  readonly rogueApk: KeyPair;
  /** cosign-style key pair (ECDSA P-256): cosign.key / cosign.pub. */
  readonly cosign: KeyPair;
  /** Keys of the test Sigstore services (Fulcio CA, CT log, Rekor, TSA). */
  readonly fulcio: KeyPair;
  readonly ctlog: KeyPair;
  readonly rekor: KeyPair;
}

export const APK_KEY_NAME = 'vouch-sample.rsa.pub';
export const ROGUE_KEY_NAME = 'rogue-builder.rsa.pub';

const FILES = {
  apk: ['vouch-sample.rsa', APK_KEY_NAME, 'rsa'],
  rogueApk: ['rogue-builder.rsa', ROGUE_KEY_NAME, 'rsa'],
  cosign: ['cosign.key', 'cosign.pub', 'ec'],
  fulcio: ['sigstore-mock/fulcio-ca.key', 'sigstore-mock/fulcio-ca.pub', 'ec'],
  ctlog: ['sigstore-mock/ctlog.key', 'sigstore-mock/ctlog.pub', 'ec'],
  rekor: ['sigstore-mock/rekor.key', 'sigstore-mock/rekor.pub', 'ec'],
} as const;

function loadOrCreate(dir: string, privName: string, pubName: string, kind: 'rsa' | 'ec', created: string[]): KeyPair {
  const privPath = join(dir, privName);
  const pubPath = join(dir, pubName);
  if (!existsSync(privPath)) {
    const pair =
      kind === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 })
        : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    mkdirSync(join(privPath, '..'), { recursive: true });
    writeFileSync(privPath, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(pubPath, pair.publicKey.export({ format: 'pem', type: 'spki' }));
    created.push(privName);
  }
  const privateKey = createPrivateKey(readFileSync(privPath));
  const publicPem = readFileSync(pubPath, 'utf8');
  const publicKey = createPublicKey(publicPem);
  const derived = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' });
  if (derived !== publicPem) throw new Error(`${pubPath} is not the public half of ${privPath}`);
  return { privateKey, publicKey, publicPem };
}

/** Loads the committed keys from `dir`, creating only the ones that are absent (listed in `created`). */
export function loadSampleKeys(dir: string, created: string[] = []): SampleKeys {
  const load = (k: keyof typeof FILES) => loadOrCreate(dir, FILES[k][0], FILES[k][1], FILES[k][2], created);
  return {
    apk: load('apk'),
    rogueApk: load('rogueApk'),
    cosign: load('cosign'),
    fulcio: load('fulcio'),
    ctlog: load('ctlog'),
    rekor: load('rekor'),
  };
}

/** Every key file name relative to the keys directory, for copying keys into a fresh output. */
export const KEY_FILES: readonly string[] = Object.values(FILES).flatMap(([a, b]) => [a, b]);
