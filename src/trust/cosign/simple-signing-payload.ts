import type { Digest } from '../../sources/image/digest.js';
import { parseUntrustedJson } from '../../evidence/index.js';

const SIGNATURE_TYPE = 'cosign container image signature';

export type PayloadCheck = { readonly ok: true; readonly dockerReference?: string } | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * The simple-signing payload a cosign signature covers must name the image digest being
 * verified (critical.image.docker-manifest-digest) and have cosign's type. Keys are compared
 * case-insensitively: cosign's spec example capitalises them, real payloads do not.
 */
export function checkSimpleSigningPayload(payload: Buffer, digest: Digest, expectedReference?: string): PayloadCheck {
  let doc: unknown;
  try {
    doc = parseUntrustedJson(payload.toString('utf8'), 'signature payload');
  } catch {
    return { ok: false, code: 'PAYLOAD_MALFORMED', message: 'the signed payload is not JSON' };
  }
  const critical = field(doc, 'critical');
  const type = field(critical, 'type');
  if (type !== SIGNATURE_TYPE) return { ok: false, code: 'PAYLOAD_TYPE_UNKNOWN', message: `the signed payload's type is ${JSON.stringify(type)}, not "${SIGNATURE_TYPE}"` };
  const named = field(field(critical, 'image'), 'docker-manifest-digest');
  if (named !== digest) {
    return { ok: false, code: 'SIGNATURE_DIGEST_MISMATCH', message: `the signature is for ${typeof named === 'string' ? named : 'no digest'}, not for ${digest}` };
  }
  const ref = field(field(critical, 'identity'), 'docker-reference');
  // --docker-reference (containers/image's matchExact): the signer named this very repository
  // (and tag), so a signature made for another name of the same bytes does not count.
  if (expectedReference !== undefined && ref !== expectedReference) {
    return { ok: false, code: 'SIGNATURE_REFERENCE_MISMATCH', message: `the signature names ${typeof ref === 'string' ? ref : 'no docker-reference'}, not ${expectedReference}` };
  }
  return { ok: true, ...(typeof ref === 'string' ? { dockerReference: ref } : {}) };
}

function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const hits = Object.entries(obj).filter(([k]) => k.toLowerCase() === name);
  // Two spellings of one key would let a payload say two things; that is not a payload to trust.
  return hits.length === 1 ? hits[0]?.[1] : undefined;
}
