import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { parseUntrustedJson } from '../../evidence/index.js';
import { IN_TOTO_PAYLOAD_TYPE, MAX_PAYLOAD_BYTES, preAuthEncoding } from '../dsse.js';
import { isRecord } from '../outcome.js';
import { parseStatement } from '../statement.js';
import type { Statement } from '../statement.js';
import { SLSA_V1 } from '../provenance/index.js';
import type { GcbEnvelope } from './document.js';
import { gcbKeyFor } from './keys.js';
import type { GcbKey } from './keys.js';

export const SLSA_V01 = 'https://slsa.dev/provenance/v0.1';

/** An envelope one of whose signatures verified under a GCB key, with the statement it signs. */
export interface GcbSigned {
  readonly key: GcbKey;
  readonly keyid: string;
  readonly slsa: '0.1' | '1.0';
  readonly statement: Statement;
  /** The signed payload as parsed JSON, for the comparison with the unsigned text (text.ts). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * `refused`: a signature verified under a GCB key, but that key is not the signer the user named.
 */
export type GcbSignatureResult = { readonly ok: true; readonly signed: GcbSigned } | { readonly ok: false; readonly reasons: readonly string[]; readonly refused?: true };

/**
 * Which of GCB's signatures count. By default any of GCB's embedded keys (GCB signs with Cloud KMS
 * keys, so they, not a certificate, prove the builder). When the user names a signer, only that
 * signer may count, as for every other attestation: a --key must be the GCB key that signed (its
 * scheme still comes from the keyid), and an identity flag alone can never hold, since a KMS key
 * has no certificate identity. Ignoring either would pass what the user did not accept.
 */
export type GcbAcceptedSigner =
  | { readonly kind: 'any-gcb-key' }
  | { readonly kind: 'key'; readonly name: string; readonly key: KeyObject }
  | { readonly kind: 'identity' };

export const ANY_GCB_KEY: GcbAcceptedSigner = { kind: 'any-gcb-key' };

/** The signer rule for the user's flags: --key wins (either named signer counts), then an identity flag. */
export function gcbAcceptedSigner(key: { readonly name: string; readonly publicKey: KeyObject } | undefined, identityNamed: boolean): GcbAcceptedSigner {
  if (key !== undefined) return { kind: 'key', name: key.name, key: key.publicKey };
  return identityNamed ? { kind: 'identity' } : ANY_GCB_KEY;
}

/** Standard or URL-safe base64, strictly (Buffer.from alone skips characters it does not know). */
const BASE64 = /^(?:[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9_-]*={0,2})$/;

/**
 * Verifies an occurrence's envelope as slsa-verifier does: the payload type is in-toto, and the
 * first signature that (a) names a known GCB key by its keyid, (b) verifies under that key in the
 * key's scheme and (c) signs a statement of the predicate type that key signs, wins. Signatures by
 * unknown keyids, badly encoded or invalid ones are passed over: they add nothing, and all
 * signatures of an envelope sign the same payload bytes, so a bad one cannot change what a good
 * one proves. With no winning signature the envelope proves nothing.
 */
export function verifyGcbEnvelope(envelope: GcbEnvelope | undefined, accepted: GcbAcceptedSigner = ANY_GCB_KEY): GcbSignatureResult {
  const fail = (reason: string): GcbSignatureResult => ({ ok: false, reasons: [reason] });
  if (envelope === undefined) return fail('no envelope');
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail(`payload type ${JSON.stringify(envelope.payloadType ?? null)} is not ${IN_TOTO_PAYLOAD_TYPE}`);
  const encoded = envelope.payload ?? '';
  if (encoded.length > (MAX_PAYLOAD_BYTES * 4) / 3 + 4) return fail(`payload larger than ${MAX_PAYLOAD_BYTES} bytes`);
  // DSSE payloads use standard base64 (slsa-verifier decodes them with the standard alphabet only).
  if (encoded === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return fail('payload is empty or not base64');
  const payload = Buffer.from(encoded, 'base64');
  if (envelope.signatures.length === 0) return fail('the envelope has no signatures');
  const reasons: string[] = [];
  let refused = false;
  for (const [i, s] of envelope.signatures.entries()) {
    const keyid = s.keyid ?? '';
    const key = keyid === '' ? undefined : gcbKeyFor(keyid);
    if (key === undefined) {
      reasons.push(`signature ${i}: ${keyid === '' ? 'no keyid' : `unknown keyid ${keyid}`}`);
      continue;
    }
    const sig = s.sig ?? '';
    if (sig === '' || !BASE64.test(sig)) {
      reasons.push(`signature ${i}: not base64`);
      continue;
    }
    const signed = key.scheme === 'dsse-pae' ? preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload) : payload;
    let valid = false;
    try {
      valid = verify('sha256', signed, { key: key.key, dsaEncoding: 'der' }, Buffer.from(sig, sig.includes('-') || sig.includes('_') ? 'base64url' : 'base64'));
    } catch {
      valid = false; // a malformed DER signature is an invalid signature, not a crash
    }
    if (!valid) {
      reasons.push(`signature ${i}: does not verify under GCB key ${key.name}`);
      continue;
    }
    const statement = readSignedStatement(payload, key.slsa);
    if (typeof statement === 'string') {
      reasons.push(`signature ${i} (key ${key.name}): ${statement}`);
      continue;
    }
    const refusal = refusalOf(key, accepted);
    if (refusal !== undefined) {
      refused = true;
      reasons.push(`signature ${i}: ${refusal}`);
      continue;
    }
    return { ok: true, signed: { key, keyid, slsa: key.slsa, ...statement } };
  }
  return { ok: false, reasons, ...(refused && { refused }) };
}

/** Why a valid signature by a GCB key does not count for the signer the user named, if it does not. */
function refusalOf(key: GcbKey, accepted: GcbAcceptedSigner): string | undefined {
  switch (accepted.kind) {
    case 'any-gcb-key':
      return undefined;
    case 'key':
      // The same public key (SPKI), not merely the same curve: KeyObject.equals compares the key material.
      return key.key.equals(accepted.key) ? undefined : `signed by GCB key ${key.name}, which is not --key ${accepted.name}`;
    case 'identity':
      return `signed by GCB key ${key.name}, a Cloud KMS key with no certificate identity for the identity flags to match`;
  }
}

/** The in-toto statement the key signs: v0.1 keys sign SLSA v0.1, the v1 key SLSA v1.0, nothing else. */
function readSignedStatement(payload: Buffer, slsa: '0.1' | '1.0'): { statement: Statement; raw: Record<string, unknown> } | string {
  const statement = parseStatement(IN_TOTO_PAYLOAD_TYPE, payload);
  if (!statement.ok) return statement.message;
  const want = slsa === '0.1' ? SLSA_V01 : SLSA_V1;
  if (statement.value.predicateType !== want) return `predicate type ${statement.value.predicateType} is not ${want}, which this key signs`;
  const raw: unknown = parseUntrustedJson(payload.toString('utf8'), 'GCB provenance statement');
  return isRecord(raw) ? { statement: statement.value, raw } : 'statement is not a JSON object';
}
