/**
 * Verifies what discovery found attached to an image, through the Sigstore trust layer:
 * cosign simple-signing signatures, cosign DSSE attestations, Sigstore bundle artifacts. Every
 * outcome is data (a SignatureEvidence or AttestationEvidence with a code); a signature or
 * statement about another digest never counts.
 */
import { createHash } from 'node:crypto';
import type { RunContext } from '../../context.js';
import { fail } from '../../errors.js';
import type { AttestationEvidence, SignatureEvidence, SignatureKind } from '../../evidence/index.js';
import type { Attachment } from '../../sources/image/discover-types.js';
import { COSIGN_ANNOTATIONS, annotation } from '../../sources/image/discover-types.js';
import { hexOf } from '../../sources/image/digest.js';
import { parseBundle, parseBundleJSON, verifyBundle } from '../sigstore/index.js';
import type { ArtifactInput, BundleVerification, ExpectedSigner, ParsedBundle, SignerExpectation, SigstoreTrust, VerifyBundleOptions } from '../sigstore/index.js';
import { lookupLogEntries } from '../sigstore/rekor-online.js';
import { intotoV001Check, legacyToBundleJSON } from './legacy-bundle.js';
import { checkSimpleSigningPayload } from './simple-signing-payload.js';
import { signerEvidence } from '../sigstore/signer-evidence.js';

/** cosign v3 signs images as an in-toto statement of this type in a DSSE bundle. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

export interface VerifiedAttachment {
  readonly attachment: Attachment;
  readonly result: BundleVerification | undefined;
  readonly signature?: SignatureEvidence;
  readonly attestation?: AttestationEvidence;
}

export interface VerifySettings {
  readonly trust: SigstoreTrust;
  readonly expected: ExpectedSigner;
  readonly insecureIgnoreTlog: boolean;
  readonly maxDocumentBytes: number;
  /** --docker-reference: simple-signing payloads must name exactly this reference. */
  readonly dockerReference?: string;
  /** --rekor-url: signatures without log proof get their entry looked up and verified. */
  readonly online?: { readonly rekorUrl: string; readonly ctx: RunContext };
}

/** `settings` may be absent only when nothing signed was found (no trust material was loaded). */
export async function verifyAttachment(att: Attachment, settings: VerifySettings | undefined): Promise<VerifiedAttachment> {
  if (att.kind === 'unsigned-statement') return { attachment: att, result: undefined, attestation: unsignedAttestation(att) };
  const s = settings ?? fail('INTERNAL', 'signed attachments need trust material');
  switch (att.kind) {
    case 'cosign-signature':
      return verifyCosignSignature(att, s);
    case 'dsse-attestation':
      return verifyDsse(att, s);
    case 'sigstore-bundle':
      return verifySigstoreBundle(att, s);
  }
}

/** Attestations need no named signer when the caller checks the builder identity itself. */
function signerFor(s: VerifySettings): SignerExpectation {
  const e = s.expected;
  return e.identity !== undefined || e.identityRegexp !== undefined || s.trust.key !== undefined ? e : { anySigner: true };
}

async function verifyCosignSignature(att: Extract<Attachment, { kind: 'cosign-signature' }>, s: VerifySettings): Promise<VerifiedAttachment> {
  const payload = checkSimpleSigningPayload(att.payload, att.attachedTo, s.dockerReference);
  const converted = legacyToBundleJSON(att);
  if (!converted.ok) return { attachment: att, result: undefined, signature: failedSignature('cosign-simple-signing', att, converted.code, converted.message) };
  const parsed = parseBundleJSON(converted.json);
  if (!parsed.ok) return { attachment: att, result: undefined, signature: failedSignature('cosign-simple-signing', att, parsed.code, parsed.message) };
  // cosign logs the signature as a hashedrekord over the payload, which Rekor indexes by its hash.
  const result = await verifyLogged(parsed, { kind: 'bytes', bytes: att.payload }, s, s.expected, { insecureIgnoreTlog: s.insecureIgnoreTlog }, createHash('sha256').update(att.payload).digest('hex'));
  // The payload must name this very digest: a valid signature over another image proves nothing here.
  const outcome = !payload.ok && result.verified ? { verified: false, code: payload.code, message: payload.message } : result;
  return { attachment: att, result, signature: toSignature('cosign-simple-signing', att, result, outcome) };
}

async function verifyDsse(att: Extract<Attachment, { kind: 'dsse-attestation' }>, s: VerifySettings): Promise<VerifiedAttachment> {
  const converted = legacyToBundleJSON(att);
  if (!converted.ok) return { attachment: att, result: undefined, attestation: failedAttestation(att, converted.code, converted.message) };
  const parsed = parseBundleJSON(converted.json);
  if (!parsed.ok) return { attachment: att, result: undefined, attestation: failedAttestation(att, parsed.code, parsed.message) };
  const cert = annotation(att.annotations, COSIGN_ANNOTATIONS.certificate);
  const result = await verifyLogged(parsed, { kind: 'digest', digest: { algorithm: 'sha256', hex: hexOf(att.attachedTo) } }, s, signerFor(s), {
    insecureIgnoreTlog: s.insecureIgnoreTlog,
    legacyBodyChecks: { 'intoto/0.0.1': intotoV001Check(att.envelope, cert) },
  }, hexOf(att.attachedTo));
  return { attachment: att, result, attestation: toAttestation(att, result) };
}

async function verifySigstoreBundle(att: Extract<Attachment, { kind: 'sigstore-bundle' }>, s: VerifySettings): Promise<VerifiedAttachment> {
  const parsed = parseBundle(att.bundle, s.maxDocumentBytes);
  if (!parsed.ok) return { attachment: att, result: undefined, signature: failedSignature('sigstore-bundle', att, parsed.code, parsed.message) };
  // cosign v3 signs the image digest itself (message signature) or a statement about it (DSSE).
  const artifact: ArtifactInput = { kind: 'digest', digest: { algorithm: 'sha256', hex: hexOf(att.attachedTo) } };
  if (parsed.content === 'dsse' && att.annotations[PREDICATE_ANNOTATION] !== COSIGN_SIGN_PREDICATE) {
    const result = await verifyLogged(parsed, artifact, s, signerFor(s), { insecureIgnoreTlog: s.insecureIgnoreTlog }, hexOf(att.attachedTo));
    return { attachment: att, result, attestation: toAttestation(att, result) };
  }
  // A message signature over the digest, or cosign v3's signing statement: an image signature,
  // which must come from the named signer.
  if (parsed.content === 'dsse') {
    const result = await verifyLogged(parsed, artifact, s, s.expected, { insecureIgnoreTlog: s.insecureIgnoreTlog }, hexOf(att.attachedTo));
    const wrongType = result.verified && result.statement?.predicateType !== COSIGN_SIGN_PREDICATE;
    const outcome = wrongType ? { verified: false, code: 'PREDICATE_TYPE_MISMATCH', message: 'the bundle annotation and the signed statement disagree on the predicate type' } : result;
    return { attachment: att, result, signature: toSignature('sigstore-bundle', att, result, outcome) };
  }
  const result = await verifyLogged(parsed, artifact, s, s.expected, { insecureIgnoreTlog: s.insecureIgnoreTlog }, hexOf(att.attachedTo));
  return { attachment: att, result, signature: toSignature('sigstore-bundle', att, result, result) };
}

/**
 * verifyBundle, and with --rekor-url for a signature that carries no log proof: the log entries
 * found under `indexHash` are verified like embedded ones (SET, checkpoint, proof, body) and the
 * first that holds is used. Nothing found leaves the signature without proof, failing as offline.
 */
async function verifyLogged(parsed: ParsedBundle, artifact: ArtifactInput, s: VerifySettings, expected: SignerExpectation, options: VerifyBundleOptions, indexHash: string): Promise<BundleVerification> {
  if (s.online && parsed.bundle.verificationMaterial.tlogEntries.length === 0) {
    const found = await lookupLogEntries(s.online.rekorUrl, parsed, indexHash, s.trust, s.online.ctx);
    const results = found.map((p) => verifyBundle(p, artifact, s.trust, expected, options));
    const chosen = results.find((r) => r.verified) ?? results[0];
    if (chosen) return chosen;
  }
  return verifyBundle(parsed, artifact, s.trust, expected, options);
}

function toSignature(kind: SignatureKind, att: Attachment, result: BundleVerification, outcome: { verified: boolean; code: string; message: string }): SignatureEvidence {
  return {
    kind,
    verified: outcome.verified,
    code: outcome.code,
    message: outcome.message,
    ...signerEvidence(result),
    source: att.source,
    attachedTo: att.attachedTo,
    digest: attachmentDigest(att),
    ...(result.signedAt !== undefined && { signedAt: result.signedAt }),
  };
}

/** The digest of the document as found (the layer blob), which a VSA lists among its inputs. */
function attachmentDigest(att: Attachment): string {
  const bytes = att.kind === 'cosign-signature' ? att.payload : att.kind === 'dsse-attestation' ? att.envelope : att.kind === 'sigstore-bundle' ? att.bundle : att.statement;
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function toAttestation(att: Attachment, result: BundleVerification): AttestationEvidence {
  const predicateType = result.statement?.predicateType ?? att.annotations['predicateType'] ?? att.annotations['dev.sigstore.bundle.predicateType'] ?? 'unknown';
  return {
    predicateType,
    verified: result.verified,
    interpreted: false,
    code: result.code,
    message: result.message,
    ...signerEvidence(result),
    source: att.source,
    attachedTo: att.attachedTo,
    digest: attachmentDigest(att),
    ...(result.statement && { subjects: result.statement.subjects }),
  };
}

function failedSignature(kind: SignatureKind, att: Attachment, code: string, message: string): SignatureEvidence {
  return { kind, verified: false, code, message, source: att.source, attachedTo: att.attachedTo };
}

function failedAttestation(att: Attachment, code: string, message: string): AttestationEvidence {
  return { predicateType: att.annotations['predicateType'] ?? 'unknown', verified: false, interpreted: false, code, message, source: att.source, attachedTo: att.attachedTo };
}

function unsignedAttestation(att: Extract<Attachment, { kind: 'unsigned-statement' }>): AttestationEvidence {
  const predicateType = att.annotations['in-toto.io/predicate-type'] ?? 'unknown';
  return { predicateType, verified: false, interpreted: false, code: 'ATTESTATION_UNSIGNED', message: 'an in-toto statement stored without a signature (BuildKit); it proves nothing', source: att.source, attachedTo: att.attachedTo };
}
