/**
 * cosign's legacy OCI signatures and attestations (`.sig`/`.att` layers, `cosign save` layouts)
 * keep their proof material in layer annotations. They are converted into the Sigstore bundle
 * shape @sigstore/verify understands, so that there is one verifier and not two:
 *   - with a Rekor bundle annotation: a v0.1 bundle (x509 chain or public key, one log entry with
 *     the signed entry timestamp and the logged body, no inclusion proof — what cosign stored);
 *   - without one: a v0.3 bundle with no log entry, which verifies only under --insecure-ignore-tlog.
 * Nothing here decides trust; it only moves bytes into the shape the verifier reads.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { StageResult } from '../sigstore/index.js';
import type { Attachment } from '../../sources/image/discover-types.js';
import { COSIGN_ANNOTATIONS, annotation } from '../../sources/image/discover-types.js';
import { parseUntrustedJson } from '../../evidence/index.js';

export type ConvertResult = { readonly ok: true; readonly json: Record<string, unknown>; readonly logged: boolean } | { readonly ok: false; readonly code: string; readonly message: string };

type Legacy = Extract<Attachment, { kind: 'cosign-signature' | 'dsse-attestation' }>;

const bad = (code: string, message: string): ConvertResult => ({ ok: false, code, message });

export function legacyToBundleJSON(att: Legacy): ConvertResult {
  const notes = att.annotations;
  const certPem = annotation(notes, COSIGN_ANNOTATIONS.certificate);
  const chainPem = annotation(notes, COSIGN_ANNOTATIONS.chain);
  let certs: string[] = [];
  try {
    certs = [...pemBlocks(certPem ?? ''), ...pemBlocks(chainPem ?? '')].map((pem) => new X509Certificate(pem).raw.toString('base64'));
  } catch (err) {
    return bad('CERTIFICATE_MALFORMED', `certificate annotation is not a PEM certificate: ${(err as Error).message}`);
  }
  const rekor = annotation(notes, COSIGN_ANNOTATIONS.bundle);
  let entry: Record<string, unknown> | undefined;
  if (rekor !== undefined) {
    const parsed = rekorEntry(rekor);
    if (!parsed.ok) return bad('TLOG_ANNOTATION_MALFORMED', parsed.message);
    entry = parsed.entry;
  }
  const timestamps = rfc3161(annotation(notes, COSIGN_ANNOTATIONS.rfc3161));
  const leaf = certs[0];
  const material: Record<string, unknown> = {
    ...(entry
      ? { ...(leaf ? { x509CertificateChain: { certificates: certs.map((rawBytes) => ({ rawBytes })) } } : { publicKey: { hint: '' } }) }
      : leaf ? { certificate: { rawBytes: leaf } } : { publicKey: { hint: '' } }),
    tlogEntries: entry ? [entry] : [],
    ...(timestamps ? { timestampVerificationData: { rfc3161Timestamps: timestamps } } : {}),
  };
  const mediaType = entry ? 'application/vnd.dev.sigstore.bundle+json;version=0.1' : 'application/vnd.dev.sigstore.bundle.v0.3+json';
  if (att.kind === 'cosign-signature') {
    const sig = annotation(notes, COSIGN_ANNOTATIONS.signature);
    if (!sig) return bad('SIGNATURE_MISSING', 'the signature layer has no dev.cosignproject.cosign/signature annotation');
    const digest = createHash('sha256').update(att.payload).digest('base64');
    return { ok: true, logged: entry !== undefined, json: { mediaType, verificationMaterial: material, messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest }, signature: sig } } };
  }
  let envelope: unknown;
  try {
    envelope = parseUntrustedJson(att.envelope.toString('utf8'), 'DSSE envelope');
  } catch {
    return bad('DSSE_MALFORMED', 'the attestation layer is not a DSSE envelope (not JSON)');
  }
  const env = envelope as { payload?: unknown; payloadType?: unknown; signatures?: unknown };
  if (typeof env.payload !== 'string' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures) || env.signatures.length !== 1) {
    return bad('DSSE_MALFORMED', 'the attestation layer is not a DSSE envelope with exactly one signature');
  }
  const s = env.signatures[0] as { sig?: unknown; keyid?: unknown };
  if (typeof s.sig !== 'string') return bad('DSSE_MALFORMED', 'the DSSE signature has no sig');
  return {
    ok: true,
    logged: entry !== undefined,
    json: { mediaType, verificationMaterial: material, dsseEnvelope: { payload: env.payload, payloadType: env.payloadType, signatures: [{ sig: s.sig, keyid: typeof s.keyid === 'string' ? s.keyid : '' }] } },
  };
}

/** cosign's bundle annotation: {"SignedEntryTimestamp", "Payload": {body, integratedTime, logIndex, logID}}. */
function rekorEntry(text: string): { ok: true; entry: Record<string, unknown> } | { ok: false; message: string } {
  let doc: { SignedEntryTimestamp?: unknown; Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown } };
  try {
    doc = parseUntrustedJson(text, 'cosign bundle annotation') as typeof doc;
  } catch {
    return { ok: false, message: 'the Rekor bundle annotation is not JSON' };
  }
  const p = doc.Payload;
  if (typeof doc.SignedEntryTimestamp !== 'string' || !p || typeof p.body !== 'string' || typeof p.integratedTime !== 'number' || typeof p.logIndex !== 'number' || typeof p.logID !== 'string' || !/^[0-9a-f]{64}$/.test(p.logID)) {
    return { ok: false, message: 'the Rekor bundle annotation lacks SignedEntryTimestamp, body, integratedTime, logIndex or logID' };
  }
  let kind: { kind?: unknown; apiVersion?: unknown };
  try {
    kind = parseUntrustedJson(Buffer.from(p.body, 'base64').toString('utf8'), 'Rekor entry body') as typeof kind;
  } catch {
    return { ok: false, message: 'the logged body is not base64 JSON' };
  }
  if (typeof kind.kind !== 'string' || typeof kind.apiVersion !== 'string') return { ok: false, message: 'the logged body names no kind/apiVersion' };
  return {
    ok: true,
    entry: {
      logIndex: String(p.logIndex),
      logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
      kindVersion: { kind: kind.kind, version: kind.apiVersion },
      integratedTime: String(p.integratedTime),
      inclusionPromise: { signedEntryTimestamp: doc.SignedEntryTimestamp },
      canonicalizedBody: p.body,
    },
  };
}

function rfc3161(text: string | undefined): { signedTimestamp: string }[] | undefined {
  if (!text) return undefined;
  try {
    const doc = parseUntrustedJson(text, 'RFC 3161 timestamp annotation') as { SignedRFC3161Timestamp?: unknown };
    return typeof doc.SignedRFC3161Timestamp === 'string' ? [{ signedTimestamp: doc.SignedRFC3161Timestamp }] : undefined;
  } catch {
    return undefined;
  }
}

function pemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => m[0]);
}

/**
 * Body check for Rekor `intoto` v0.0.1 entries (cosign attest before 2023), which @sigstore/verify
 * does not know: the logged envelope hash must be the SHA-256 of exactly the envelope bytes found,
 * the payload hash (when logged) that of its payload, and the logged key the signing certificate.
 */
export function intotoV001Check(envelopeBytes: Buffer, certificatePem: string | undefined): (body: unknown) => StageResult {
  return (body) => {
    const spec = (body as { spec?: { content?: { hash?: { value?: unknown }; payloadHash?: { value?: unknown } }; publicKey?: unknown } }).spec;
    const fail = (message: string): StageResult => ({ status: 'fail', code: 'TLOG_ENTRY_MISMATCH', message });
    const envelopeHash = createHash('sha256').update(envelopeBytes).digest('hex');
    if (spec?.content?.hash?.value !== envelopeHash) return fail('the logged envelope hash is not that of this attestation');
    if (spec.content.payloadHash !== undefined) {
      const payload = (parseUntrustedJson(envelopeBytes.toString('utf8'), 'DSSE envelope') as { payload: string }).payload;
      if (spec.content.payloadHash.value !== createHash('sha256').update(Buffer.from(payload, 'base64')).digest('hex')) return fail('the logged payload hash is not that of this attestation');
    }
    if (typeof spec.publicKey !== 'string' || !certificatePem) return fail('the logged entry or the attestation has no certificate');
    try {
      const logged = new X509Certificate(Buffer.from(spec.publicKey, 'base64').toString('utf8'));
      if (!logged.raw.equals(new X509Certificate(pemBlocks(certificatePem)[0] ?? '').raw)) return fail('the logged certificate is not the signing certificate');
    } catch {
      return fail('the logged public key is not a certificate');
    }
    return { status: 'pass', code: 'TLOG_BODY_MATCHED', message: 'intoto v0.0.1 entry matches the envelope and certificate' };
  };
}
