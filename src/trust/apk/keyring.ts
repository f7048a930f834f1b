import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fail, isVouchError, messageOf } from '../../errors.js';
import { listInputDirectory, MAX_KEY_FILE_BYTES, MAX_KEYRING_ENTRIES, readInputFile } from '../../sources/local-file.js';

/** A trusted apk signing key: an RSA public key and the file name apk-tools knows it by. */
export interface ApkTrustedKey {
  /** The key file's name (what `.SIGN.RSA.<name>` refers to). */
  readonly name: string;
  readonly path: string;
  readonly key: KeyObject;
  /** Signature length this key produces (modulus size in bytes). */
  readonly modulusBytes: number;
  /** sha256 of the DER SubjectPublicKeyInfo, hex. */
  readonly fingerprint: string;
}

export interface ApkKeyring {
  readonly keys: readonly ApkTrustedKey[];
  /** Where the keys came from: the files and directories given, or the default directory. */
  readonly sources: readonly string[];
  /** Files in keyring directories that are not usable RSA public keys (not trusted, reported). */
  readonly skipped?: readonly { readonly path: string; readonly reason: string }[];
}

export interface KeyringOptions {
  readonly keys: readonly string[];
  readonly keyrings: readonly string[];
  /** Used only when neither keys nor keyrings are given; /etc/apk/keys by default. */
  readonly defaultDir?: string;
}

export const DEFAULT_APK_KEYS_DIR = '/etc/apk/keys';

/**
 * Loads the trusted apk keys: every --apk-key file and every *.pub in each --keyring directory;
 * when neither is given, the *.pub files in /etc/apk/keys if it exists. An empty keyring is not
 * an error here: the signature check then fails (never passes by default). A key file that
 * cannot be read or is not an RSA public key is unusable trust material (exit 3).
 */
export async function loadApkKeyring(options: KeyringOptions): Promise<ApkKeyring> {
  // A keyring that is a key file is a key named on the command line (apko's --keyring-append and
  // its configuration's keyring list name key files): as strict as --apk-key, never skipped.
  const named: string[] = [...options.keys];
  const dirs: string[] = [];
  for (const ring of options.keyrings) (await isRegularFile(ring) ? named : dirs).push(ring);
  if (options.keys.length === 0 && options.keyrings.length === 0) {
    const dir = options.defaultDir ?? DEFAULT_APK_KEYS_DIR;
    if (existsSync(dir)) dirs.push(dir);
  }
  // A key named on the command line must be usable; a directory may hold other files.
  const keys = await Promise.all(named.map(loadApkKey));
  const skipped: { path: string; reason: string }[] = [];
  for (const dir of dirs) {
    for (const path of await keyFilesIn(dir)) {
      try {
        keys.push(await loadApkKey(path));
      } catch (err) {
        // Another file in a keyring directory is skipped, but a private key is refused outright:
        // a trust store holding secrets is misconfigured, and the run must not look normal.
        if (isPrivateKeyRefusal(err)) throw err;
        skipped.push({ path, reason: messageOf(err) });
      }
    }
  }
  return { keys, sources: [...named, ...dirs], skipped };
}

/** Whether the path is a regular file (stat only: nothing is opened; anything else is listed as a directory, which refuses it). */
async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function keyFilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await listInputDirectory(dir, { what: 'keyring directory', maxEntries: MAX_KEYRING_ENTRIES });
  } catch (err) {
    if (isVouchError(err) && err.code === 'LIMIT_EXCEEDED') throw err;
    return fail('TRUST_MATERIAL_INVALID', messageOf(err), { cause: err });
  }
  return names.filter((n) => n.endsWith('.pub')).map((n) => join(dir, n));
}

/** Reads one PEM RSA public key file (a regular file of at most MAX_KEY_FILE_BYTES). */
export async function loadApkKey(path: string): Promise<ApkTrustedKey> {
  let pem: Buffer;
  try {
    pem = await readInputFile(path, { what: 'apk key', maxBytes: MAX_KEY_FILE_BYTES });
  } catch (err) {
    // A key over the cap stays a limit (exit 3 either way); anything else is unusable trust material.
    if (isVouchError(err) && err.code === 'LIMIT_EXCEEDED') throw err;
    return fail('TRUST_MATERIAL_INVALID', messageOf(err), { cause: err });
  }
  const text = pem.toString('latin1');
  const known = parsedKeys.get(text);
  if (known) return { name: basename(path), path, ...known };
  refusePrivateKey(path, pem);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    return fail('TRUST_MATERIAL_INVALID', `${path} is not a PEM public key: ${messageOf(err)}`, {
      cause: err,
      hints: ['apk keys are PEM "BEGIN PUBLIC KEY" files, as found in /etc/apk/keys'],
    });
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined) {
    fail('TRUST_MATERIAL_INVALID', `${path} is ${keyTypeText(key.asymmetricKeyType)} public key, but apk signatures are made with RSA keys`, {
      hints: ["give the RSA key of the repository's signer (a .rsa.pub file, as found in /etc/apk/keys); a cosign key goes to `vouch image --key`"],
    });
  }
  const der = key.export({ type: 'spki', format: 'der' });
  const parsed: ParsedKey = { key, modulusBytes: Math.ceil(bits / 8), fingerprint: createHash('sha256').update(der).digest('hex') };
  if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.clear();
  parsedKeys.set(text, parsed);
  return { name: basename(path), path, ...parsed };
}

/** "an EC", "an Ed25519": key types as people write them. */
function keyTypeText(type: string | undefined): string {
  switch (type) {
    case 'ec':
      return 'an EC';
    case 'ed25519':
      return 'an Ed25519';
    case 'ed448':
      return 'an Ed448';
    case 'dsa':
      return 'a DSA';
    case 'dh':
      return 'a Diffie-Hellman';
    case 'x25519':
      return 'an X25519';
    case 'x448':
      return 'an X448';
    case 'rsa-pss':
      return 'an RSA-PSS';
    default:
      return `a ${type ?? 'unknown'}`;
  }
}

type ParsedKey = Pick<ApkTrustedKey, 'key' | 'modulusBytes' | 'fingerprint'>;

/**
 * Public keys already parsed in this process, keyed by the exact bytes of the file. A batch or a
 * server loads the same keyring for every subject; parsing it again (the private-key probe, the
 * public-key parse, the DER export) cost more than verifying a small package. The file is still
 * read every time, so a key file that changed is parsed afresh; only bytes that already parsed
 * to an RSA public key are ever found here (refusals are not cached). Bounded: cleared when full.
 */
const parsedKeys = new Map<string, ParsedKey>();
const MAX_PARSED_KEYS = 1024;

/** Any PEM private key block: PRIVATE KEY, RSA/EC/ENCRYPTED/OPENSSH PRIVATE KEY, ... (bounded, linear). */
const PRIVATE_PEM = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/;

/**
 * createPublicKey accepts a private key and silently derives its public half, so a private key
 * given as trust material would "work". It never is trust material: refuse it, by its PEM label
 * and by parsing, and never repeat any of its bytes (only the path is named).
 */
function refusePrivateKey(path: string, pem: Buffer): void {
  let isPrivate = PRIVATE_PEM.test(pem.toString('latin1'));
  if (!isPrivate) {
    try {
      createPrivateKey({ key: pem, format: 'pem' });
      isPrivate = true;
    } catch {
      // not a private key: the public-key parse below decides
    }
  }
  if (!isPrivate) return;
  fail('TRUST_MATERIAL_INVALID', `${path} holds a private key, which is never a trusted key; give the public key (a PEM "BEGIN PUBLIC KEY" file)`, {
    details: { path, refused: 'private-key' },
    hints: ['derive the public key with `openssl rsa -in <private key> -pubout`, and keep the private key out of keyring directories'],
  });
}

function isPrivateKeyRefusal(err: unknown): boolean {
  return isVouchError(err) && err.details?.['refused'] === 'private-key';
}
