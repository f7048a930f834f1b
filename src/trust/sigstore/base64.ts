/**
 * Strict base64 checks. Node's Buffer.from(s, 'base64'), which the protobuf JSON decoders use,
 * silently skips characters outside the alphabet, so "AB$CD" decodes to the bytes of "ABCD": a
 * corrupted signature or certificate would then fail later for a misleading reason, or a crafted
 * one could decode to something else than what a stricter client sees. vouch rejects such fields
 * up front (sigstore-conformance `bundle-invalid-base64-signature_fail`).
 */

// Protobuf JSON accepts standard and URL-safe base64, with or without padding; nothing else.
const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

export function isStrictBase64(input: unknown): input is string {
  if (typeof input !== 'string') return false;
  // Line breaks are tolerated, as Go's and Python's decoders do (values pasted from `base64`).
  const value = input.replace(/\r?\n/g, '');
  if (!STANDARD.test(value) && !URL_SAFE.test(value)) return false;
  const unpadded = value.replace(/=+$/, '');
  // A length of 1 mod 4 cannot encode whole bytes; padding must complete a 4-character group.
  if (unpadded.length % 4 === 1) return false;
  if (value.length !== unpadded.length && value.length % 4 !== 0) return false;
  return true;
}
