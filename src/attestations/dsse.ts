import { bad, isRecord, ok } from './outcome.js';
import type { Outcome } from './outcome.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Payloads larger than this are refused: provenance predicates are kilobytes, not megabytes. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export interface DsseSignature {
  readonly keyid?: string;
  readonly sig: Buffer;
  /** Older slsa-github-generator envelopes carry the Fulcio certificate (PEM) inline. */
  readonly cert?: string;
}

export interface DsseEnvelope {
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signatures: readonly DsseSignature[];
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Reads a DSSE envelope ({payloadType, payload, signatures}) strictly: base64 must be base64,
 * at least one signature, payload size capped. It does not verify anything.
 */
export function parseDsseEnvelope(value: unknown): Outcome<DsseEnvelope> {
  if (!isRecord(value)) return bad('DSSE_MALFORMED', 'DSSE envelope is not a JSON object');
  const { payloadType, payload, signatures } = value;
  if (typeof payloadType !== 'string') return bad('DSSE_MALFORMED', 'DSSE envelope has no payloadType');
  if (typeof payload !== 'string' || !BASE64.test(payload)) return bad('DSSE_MALFORMED', 'DSSE payload is not base64');
  if (payload.length > (MAX_PAYLOAD_BYTES * 4) / 3 + 4) return bad('DSSE_TOO_LARGE', `DSSE payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  if (!Array.isArray(signatures) || signatures.length === 0) return bad('DSSE_UNSIGNED', 'DSSE envelope has no signatures');
  const sigs: DsseSignature[] = [];
  for (const [i, s] of signatures.entries()) {
    if (!isRecord(s) || typeof s['sig'] !== 'string' || s['sig'] === '' || !BASE64.test(s['sig'])) {
      return bad('DSSE_MALFORMED', `DSSE signature ${i} is not base64`);
    }
    sigs.push({
      sig: Buffer.from(s['sig'], 'base64'),
      ...(typeof s['keyid'] === 'string' ? { keyid: s['keyid'] } : {}),
      ...(typeof s['cert'] === 'string' && s['cert'] !== '' ? { cert: s['cert'] } : {}),
    });
  }
  // The length test above bounds the work; this one is exact (base64 padding leaves two bytes of slack).
  const decoded = Buffer.from(payload, 'base64');
  if (decoded.length > MAX_PAYLOAD_BYTES) return bad('DSSE_TOO_LARGE', `DSSE payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  return ok({ payloadType, payload: decoded, signatures: sigs });
}

/** DSSE pre-authentication encoding: what a DSSE signature actually signs. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}
