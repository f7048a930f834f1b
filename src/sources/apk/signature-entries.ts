import type { SmallTarEntry } from './small-tar.js';

/** One `.SIGN.<ALG>.<keyname>` entry of an apk or APKINDEX signature segment. */
export interface ApkSignatureEntry {
  /** The entry name as written. */
  readonly entry: string;
  /** RSA (SHA-1), RSA256, RSA512, or whatever else was written (DSA, unknown: not verifiable). */
  readonly algorithm: string;
  /** The key file name apk-tools would look up in /etc/apk/keys; a hint, never an identity. */
  readonly keyName: string;
  readonly signature: Buffer;
}

const SIGN_PREFIX = '.SIGN.';

export function isSignatureEntryName(name: string): boolean {
  return name.startsWith(SIGN_PREFIX);
}

/** Splits `.SIGN.<ALG>.<keyname>` entries; the caller has checked every name starts with .SIGN. */
export function signatureEntriesOf(entries: readonly SmallTarEntry[]): ApkSignatureEntry[] {
  return entries.map((e) => {
    const rest = e.name.slice(SIGN_PREFIX.length);
    const dot = rest.indexOf('.');
    return {
      entry: e.name,
      algorithm: dot < 0 ? rest : rest.slice(0, dot),
      keyName: dot < 0 ? '' : rest.slice(dot + 1),
      signature: e.content,
    };
  });
}
