/**
 * VSA keys: the private key that signs (ECDSA P-256 or Ed25519) and the public keys that verify.
 * Key files are read through the one local-file reader (regular files only, size cap). A private
 * key's bytes never reach a message, a log line or an error: every failure to use it is reported
 * with the file name and a fixed reason, never with what the crypto library said about the
 * content (which can quote it).
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fail, isVouchError, VouchError } from '../errors.js';
import { MAX_KEY_FILE_BYTES, readInputFile } from '../sources/local-file.js';
import type { TrustedVsaKey } from './types.js';

export type SigningAlgorithm = 'ecdsa-p256-sha256' | 'ed25519';

export interface VsaSigningKey {
  readonly algorithm: SigningAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: TrustedVsaKey;
}

/** Reads --vsa-key: a PEM private key, unencrypted, ECDSA P-256 or Ed25519; anything else is refused. */
export async function loadSigningKey(path: string): Promise<VsaSigningKey> {
  const bytes = await readInputFile(path, { what: '--vsa-key', maxBytes: MAX_KEY_FILE_BYTES });
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: bytes, format: 'pem' });
  } catch {
    // The library's message may quote the key; only the file name is shown.
    return fail('TRUST_MATERIAL_INVALID', `--vsa-key ${path} is not an unencrypted PEM private key`, {
      hints: ['generate one with: openssl genpkey -algorithm ed25519 -out vsa.key (or -algorithm EC -pkeyopt ec_paramgen_curve:P-256)'],
    });
  } finally {
    bytes.fill(0);
  }
  const algorithm = signingAlgorithm(privateKey);
  if (algorithm === undefined) {
    fail('TRUST_MATERIAL_INVALID', `--vsa-key ${path} is a ${describe(privateKey)} key; VSAs are signed with ECDSA P-256 or Ed25519`);
  }
  return { algorithm, privateKey, publicKey: trustedKey(createPublicKey(privateKey), path) };
}

/** Reads a PEM public key that VSAs must be signed with (`--public-key`, `--vsa-public-key`). */
export async function loadTrustedKey(path: string, flag: string): Promise<TrustedVsaKey> {
  let pem: Buffer;
  try {
    pem = await readInputFile(path, { what: flag, maxBytes: MAX_KEY_FILE_BYTES });
  } catch (err) {
    if (isVouchError(err)) throw err;
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot read ${flag} ${path}`, cause: err });
  }
  return trustedKeyFromPem(pem, path, flag);
}

export function trustedKeyFromPem(pem: Buffer | string, name: string, flag = 'key'): TrustedVsaKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return fail('TRUST_MATERIAL_INVALID', `${flag} ${name} is not a PEM public key`);
  }
  // createPublicKey also accepts a private key and derives its public half: a private key handed
  // over as a trust anchor is a mistake that would put it where public keys go; refuse it.
  if (/PRIVATE KEY/.test(pem.toString())) fail('TRUST_MATERIAL_INVALID', `${flag} ${name} is a private key; give the public key`);
  if (signingAlgorithm(key) === undefined && key.asymmetricKeyType !== 'rsa') {
    fail('TRUST_MATERIAL_INVALID', `${flag} ${name} is a ${describe(key)} key; VSA keys are ECDSA, Ed25519 or RSA`);
  }
  return trustedKey(key, name);
}

function trustedKey(publicKey: KeyObject, name: string): TrustedVsaKey {
  const sum = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  return { name, publicKey, keyId: `SHA256:${sum.replace(/=+$/, '')}`, hint: sum };
}

function signingAlgorithm(key: KeyObject): SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256-sha256';
  return undefined;
}

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''}`;
}
