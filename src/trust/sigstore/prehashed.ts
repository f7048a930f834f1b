/**
 * Verifying a signature when only the digest of the signed bytes is known (`vouch artifact
 * sha256:<hex>`, and large files that are hashed while streaming instead of being held in memory).
 *
 * Node's crypto.verify always hashes its input and has no "prehashed" mode, and @sigstore/verify
 * needs the artifact bytes for message signatures (see docs/adr/sigstore-verification.md):
 * - RSA PKCS#1 v1.5: OpenSSL's public-key operation with PKCS#1 type-1 padding checking
 *   (crypto.publicDecrypt), then an exact byte comparison with DigestInfo(hash, digest).
 * - ECDSA P-256 / P-384: @noble/curves, which verifies over a given digest.
 * Ed25519 and RSA-PSS keys are not supported prehashed: the result is "unsupported" (a failure).
 */
import { constants, publicDecrypt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as NistModule from '@noble/curves/nist.js';
// Loaded on first use (only digest-only artifacts need it): 40-50 ms of start-up otherwise.
// Node 20.19+ require()s ES modules synchronously, which keeps verifyPrehashed synchronous.
type Nist = typeof NistModule;
let nist: Nist | undefined;
const loadNist = (): Nist => (nist ??= createRequire(import.meta.url)('@noble/curves/nist.js') as Nist);

export type PrehashedResult = 'valid' | 'invalid' | 'unsupported';

const DIGEST_INFO_PREFIX: Readonly<Record<string, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

export function verifyPrehashed(key: KeyObject, algorithm: 'sha256' | 'sha384' | 'sha512', digest: Buffer, signature: Buffer): PrehashedResult {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return verifyRsaPkcs1(key, algorithm, digest, signature);
    case 'ec':
      return verifyEcdsa(key, digest, signature);
    default:
      return 'unsupported';
  }
}

function verifyRsaPkcs1(key: KeyObject, algorithm: string, digest: Buffer, signature: Buffer): PrehashedResult {
  const prefix = DIGEST_INFO_PREFIX[algorithm];
  if (prefix === undefined) return 'unsupported';
  let decoded: Buffer;
  try {
    decoded = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return 'invalid';
  }
  return decoded.equals(Buffer.concat([Buffer.from(prefix, 'hex'), digest])) ? 'valid' : 'invalid';
}

/** The curves Sigstore uses for ECDSA keys, by their JWK names. */
function curveOf(name: unknown): Nist['p256'] | undefined {
  if (name === 'P-256') return loadNist().p256;
  if (name === 'P-384') return loadNist().p384;
  return undefined;
}

/**
 * ECDSA over a digest through @noble/curves (audited, maintained): `prehash: false` takes the
 * digest as given (truncated to the order's bit length as FIPS 186-5 says), DER decoding is
 * strict, and high-S signatures are accepted as OpenSSL accepts them.
 */
function verifyEcdsa(key: KeyObject, digest: Buffer, signature: Buffer): PrehashedResult {
  const jwk = key.export({ format: 'jwk' });
  const curve = curveOf(jwk.crv);
  if (curve === undefined || jwk.x === undefined || jwk.y === undefined) return 'unsupported';
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  try {
    return curve.verify(signature, digest, point, { prehash: false, lowS: false, format: 'der' }) ? 'valid' : 'invalid';
  } catch {
    // Malformed DER or a point off the curve: not a valid signature.
    return 'invalid';
  }
}
