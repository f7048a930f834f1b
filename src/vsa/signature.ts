/**
 * Verifies a VSA's signature with trusted keys.
 *
 * - A bundle goes through @sigstore/verify, with no transparency log, no certificate authority and
 *   no timestamp required: a VSA is trusted because its key is, as in cosign's key mode. Any log
 *   entry or certificate in it fails, since nothing here could anchor one.
 * - A bare DSSE envelope is verified here with node:crypto: @sigstore/verify takes only bundles,
 *   and the check is the DSSE pre-authentication encoding and one signature call per key. ECDSA
 *   signatures are accepted in ASN.1 DER (what Sigstore clients write) and in IEEE P1363 r||s
 *   (what Google's VSA signer writes, and Go's verifier accepts); the curve fixes the P1363 length.
 *
 * slsa-verifier's key-id rule holds for both: a DSSE signature counts only when its keyid is empty
 * or equals the expected key id (by default the key's own fingerprint, `SHA256:` + unpadded
 * base64 of SHA-256 over its DER). A signature naming another key is not tried with this one.
 */
import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { toTrustMaterial, Verifier } from '@sigstore/verify';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity } from '@sigstore/verify';
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding } from '../attestations/index.js';
import type { DsseSignature } from '../attestations/index.js';
import type { VsaDocument } from './document.js';
import type { TrustedVsaKey } from './types.js';

export type SignatureOutcome =
  | { readonly ok: true; readonly key: TrustedVsaKey; readonly keyId: string }
  | { readonly ok: false; readonly code: 'VSA_SIGNATURE_INVALID' | 'VSA_KEY_ID_MISMATCH' | 'VSA_PAYLOAD_TYPE'; readonly message: string };

/**
 * `keyId`: the id a signature must name when it names one (slsa-verifier's --public-key-id);
 * undefined means each key's own fingerprint.
 */
export function verifyVsaSignature(doc: VsaDocument, keys: readonly TrustedVsaKey[], keyId?: string): SignatureOutcome {
  if (doc.envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { ok: false, code: 'VSA_PAYLOAD_TYPE', message: `the envelope's payload type is ${JSON.stringify(doc.envelope.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}` };
  }
  let idMismatch = false;
  for (const key of keys) {
    const expectedId = keyId ?? key.keyId;
    const usable = doc.envelope.signatures.filter((s) => s.keyid === undefined || s.keyid === '' || s.keyid === expectedId);
    if (usable.length < doc.envelope.signatures.length) idMismatch = true;
    if (usable.length === 0) continue;
    const held = doc.bundle ? bundleVerifies(doc, key) : usable.some((s) => envelopeSignatureVerifies(doc, s, key.publicKey));
    if (held) return { ok: true, key, keyId: expectedId };
  }
  if (idMismatch) {
    const named = [...new Set(doc.envelope.signatures.map((s) => s.keyid).filter((id) => id !== undefined && id !== ''))].join(', ');
    return { ok: false, code: 'VSA_KEY_ID_MISMATCH', message: `no signature verified: the envelope's signatures name key id ${named}, not ${keyId ?? keys.map((k) => k.keyId).join(' or ')}` };
  }
  return { ok: false, code: 'VSA_SIGNATURE_INVALID', message: `no signature verified with the trusted key${keys.length === 1 ? '' : 's'} ${keys.map((k) => k.name).join(', ')}` };
}

function envelopeSignatureVerifies(doc: VsaDocument, s: DsseSignature, key: KeyObject): boolean {
  const pae = preAuthEncoding(doc.envelope.payloadType, doc.envelope.payload);
  try {
    switch (key.asymmetricKeyType) {
      case 'ed25519':
        return verify(null, pae, key, s.sig);
      case 'ec': {
        if (verify('sha256', pae, { key, dsaEncoding: 'der' }, s.sig)) return true;
        return s.sig.length === 2 * coordinateBytes(key) && verify('sha256', pae, { key, dsaEncoding: 'ieee-p1363' }, s.sig);
      }
      case 'rsa':
        return verify('sha256', pae, key, s.sig);
      default:
        return false;
    }
  } catch {
    // A signature that is not even well-formed for this key type verifies nothing.
    return false;
  }
}

function coordinateBytes(key: KeyObject): number {
  switch (key.asymmetricKeyDetails?.namedCurve) {
    case 'prime256v1':
      return 32;
    case 'secp384r1':
      return 48;
    case 'secp521r1':
      return 66;
    default:
      return -1;
  }
}

const EMPTY_ROOT: TrustedRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

function bundleVerifies(doc: VsaDocument, key: TrustedVsaKey): boolean {
  const bundle = doc.bundle?.bundle;
  if (!bundle) return false;
  // Only a public-key bundle can be verified with a key; a certificate would need a CA.
  if (bundle.verificationMaterial.content.$case !== 'publicKey') return false;
  try {
    // As cosign's --key: the key given must have signed, whatever the hint says.
    const material = toTrustMaterial(EMPTY_ROOT, () => ({ publicKey: key.publicKey, validFor: () => true }));
    new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundle));
    return true;
  } catch {
    return false;
  }
}
