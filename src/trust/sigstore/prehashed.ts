/**
 * Verifying a signature when only the digest of the signed bytes is known (`vouch artifact
 * sha256:<hex>`, and large files that are hashed while streaming instead of being held in memory).
 *
 * Node's crypto.verify always hashes its input and has no "prehashed" mode, and @sigstore/verify
 * needs the artifact bytes for message signatures. Nothing installed verifies an ECDSA signature
 * over a given digest, so this file does it (see docs/adr/sigstore-verification.md):
 * - RSA PKCS#1 v1.5: OpenSSL's public-key operation with PKCS#1 type-1 padding checking
 *   (crypto.publicDecrypt), then an exact byte comparison with DigestInfo(hash, digest).
 * - ECDSA P-256 / P-384: the verification equation of FIPS 186-5 §6.4.2 in BigInt. Only public
 *   data is involved (no secret, so no timing concern). The generator comes from OpenSSL (ECDH
 *   with private key 1) and the curve coefficient b is derived from it, so the only constants
 *   written here are p and n, and tests check those against OpenSSL.
 * Ed25519 and RSA-PSS keys are not supported prehashed: the result is "unsupported" (a failure).
 */
import { constants, createECDH, publicDecrypt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ASN1Obj } from '@sigstore/core';

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

interface Curve {
  readonly opensslName: string;
  readonly p: bigint;
  readonly n: bigint;
}

/** Field prime and group order (FIPS 186-5 / SEC 2); the tests check both against OpenSSL. */
export const CURVES: Readonly<Record<string, Curve>> = {
  'P-256': {
    opensslName: 'prime256v1',
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  'P-384': {
    opensslName: 'secp384r1',
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
};

function verifyEcdsa(key: KeyObject, digest: Buffer, signature: Buffer): PrehashedResult {
  const jwk = key.export({ format: 'jwk' });
  const curve = typeof jwk.crv === 'string' ? CURVES[jwk.crv] : undefined;
  if (curve === undefined || jwk.x === undefined || jwk.y === undefined) return 'unsupported';
  const rs = parseDerSignature(signature);
  if (rs === undefined) return 'invalid';
  const { p, n } = curve;
  const [r, s] = rs;
  if (r <= 0n || r >= n || s <= 0n || s >= n) return 'invalid';
  const g = generator(curve);
  const q: Point = [toBig(Buffer.from(jwk.x, 'base64url')), toBig(Buffer.from(jwk.y, 'base64url')), 1n];
  if (!onCurve(q, g, p)) return 'invalid';
  // e: the leftmost bits of the digest, as many as the order has (FIPS 186-5 §6.4.2 step 3).
  const nBits = n.toString(2).length;
  let e = toBig(digest);
  if (digest.length * 8 > nBits) e >>= BigInt(digest.length * 8 - nBits);
  const w = modPow(s, n - 2n, n);
  const sum = shamir(g, mod(e * w, n), q, mod(r * w, n), p);
  if (sum[2] === 0n) return 'invalid';
  const zInv = modPow(sum[2], p - 2n, p);
  const x = mod(sum[0] * zInv * zInv, p);
  return mod(x, n) === r ? 'valid' : 'invalid';
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, parsed with @sigstore/core's DER reader. */
function parseDerSignature(signature: Buffer): [bigint, bigint] | undefined {
  try {
    const seq = ASN1Obj.parseBuffer(Buffer.from(signature));
    const [r, s] = seq.subs;
    if (seq.subs.length !== 2 || r === undefined || s === undefined) return undefined;
    // Re-encoding must give the same bytes: no trailing data, no alternative encodings.
    if (seq.toDER().length !== signature.length) return undefined;
    return [r.toInteger(), s.toInteger()];
  } catch {
    return undefined;
  }
}

type Point = [bigint, bigint, bigint]; // Jacobian (X, Y, Z); Z = 0 is the point at infinity

const generators = new Map<string, Point>();
function generator(curve: Curve): Point {
  let g = generators.get(curve.opensslName);
  if (g === undefined) {
    const ecdh = createECDH(curve.opensslName);
    ecdh.setPrivateKey(Buffer.from([1]));
    const pub = ecdh.getPublicKey(); // 0x04 || X || Y
    const len = (pub.length - 1) / 2;
    g = [toBig(pub.subarray(1, 1 + len)), toBig(pub.subarray(1 + len)), 1n];
    generators.set(curve.opensslName, g);
  }
  return g;
}

/** y² = x³ - 3x + b with b derived from the generator; also bounds-checks the coordinates. */
function onCurve(q: Point, g: Point, p: bigint): boolean {
  const rhs = (x: bigint) => mod(x * x * x - 3n * x, p);
  const b = mod(g[1] * g[1] - rhs(g[0]), p);
  const [x, y] = q;
  return x >= 0n && x < p && y >= 0n && y < p && mod(y * y, p) === mod(rhs(x) + b, p);
}

function shamir(a: Point, ka: bigint, b: Point, kb: bigint, p: bigint): Point {
  const ab = add(a, b, p);
  let acc: Point = [1n, 1n, 0n];
  for (let i = BigInt(Math.max(ka.toString(2).length, kb.toString(2).length)) - 1n; i >= 0n; i--) {
    acc = double(acc, p);
    const bitA = (ka >> i) & 1n;
    const bitB = (kb >> i) & 1n;
    if (bitA && bitB) acc = add(acc, ab, p);
    else if (bitA) acc = add(acc, a, p);
    else if (bitB) acc = add(acc, b, p);
  }
  return acc;
}

/** Point doubling in Jacobian coordinates for a = -3 ("dbl-2001-b"). */
function double([x, y, z]: Point, p: bigint): Point {
  if (z === 0n || y === 0n) return [1n, 1n, 0n];
  const delta = mod(z * z, p);
  const gamma = mod(y * y, p);
  const beta = mod(x * gamma, p);
  const alpha = mod(3n * (x - delta) * (x + delta), p);
  const x3 = mod(alpha * alpha - 8n * beta, p);
  const z3 = mod((y + z) * (y + z) - gamma - delta, p);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, p);
  return [x3, y3, z3];
}

/** General point addition in Jacobian coordinates ("add-2007-bl"). */
function add(a: Point, b: Point, p: bigint): Point {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const z1z1 = mod(a[2] * a[2], p);
  const z2z2 = mod(b[2] * b[2], p);
  const u1 = mod(a[0] * z2z2, p);
  const u2 = mod(b[0] * z1z1, p);
  const s1 = mod(a[1] * b[2] * z2z2, p);
  const s2 = mod(b[1] * a[2] * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(a, p) : [1n, 1n, 0n];
  const h = mod(u2 - u1, p);
  const i = mod(4n * h * h, p);
  const j = mod(h * i, p);
  const r = mod(2n * (s2 - s1), p);
  const v = mod(u1 * i, p);
  const x3 = mod(r * r - j - 2n * v, p);
  const y3 = mod(r * (v - x3) - 2n * s1 * j, p);
  const z3 = mod(((a[2] + b[2]) * (a[2] + b[2]) - z1z1 - z2z2) * h, p);
  return [x3, y3, z3];
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
const toBig = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`));

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}
