/**
 * Signs a VSA statement: a DSSE envelope (in-toto payload type) inside a Sigstore bundle v0.3 with
 * a public-key hint, the form sigstore-go and cosign write for key-signed attestations. There is
 * no transparency-log entry: the VSA is trusted because the consumer trusts the key, and its time
 * is the one the signer states (which is why a consumer bounds its age by its own clock).
 */
import { sign } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding } from '../attestations/index.js';
import type { VsaSigningKey } from './keys.js';
import { BUNDLE_V03_MEDIA_TYPE } from './types.js';
import type { VsaStatement } from './types.js';

export interface SignedVsa {
  /** The bundle as written to --vsa-output and attached: JSON text, one document. */
  readonly bundle: Buffer;
  /** The bare DSSE envelope inside it (JSON text), for the cosign `.att` tag. */
  readonly envelope: Buffer;
}

export function signVsa(statement: VsaStatement, key: VsaSigningKey): SignedVsa {
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const pae = preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload);
  // ECDSA: SHA-256 and an ASN.1 DER signature, as Sigstore clients write; Ed25519 hashes itself.
  const sig = key.algorithm === 'ed25519' ? sign(null, pae, key.privateKey) : sign('sha256', pae, { key: key.privateKey, dsaEncoding: 'der' });
  // keyid stays empty: the bundle's hint names the key, and slsa-verifier counts a signature with
  // an empty key id for whatever --public-key-id it is given.
  const envelope = { payload: payload.toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ sig: sig.toString('base64'), keyid: '' }] };
  const bundle = {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: key.publicKey.hint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: envelope,
  };
  return { bundle: Buffer.from(`${JSON.stringify(bundle)}\n`, 'utf8'), envelope: Buffer.from(`${JSON.stringify(envelope)}\n`, 'utf8') };
}
