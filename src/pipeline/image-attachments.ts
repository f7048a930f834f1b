import type { RunContext } from '../context.js';
import type { AttestationEvidence, Check, ProvenanceEvidence, SignatureEvidence } from '../evidence/index.js';
import type { ReadSbom } from '../reconcile/types.js';
import type { Discovery } from '../sources/image/discover-types.js';
import { loadTrustMaterial, TLOG_IGNORED_WARNING } from '../trust/sigstore/index.js';
import { collectImageProvenance } from '../attestations/provenance/image-provenance.js';
import { verifiedImageSboms } from './image-sbom-attestations.js';
import { verifyAttachment } from '../trust/cosign/index.js';
import type { VerifiedAttachment } from '../trust/cosign/index.js';
import type { ImageOptions } from './options.js';

export interface ImageAttachmentEvidence {
  readonly verified: readonly VerifiedAttachment[];
  readonly signatures: SignatureEvidence[];
  readonly attestations: AttestationEvidence[];
  readonly provenance: ProvenanceEvidence[];
  /** Image SBOMs read from the verified SBOM attestations, for the reconciliation. */
  readonly imageSboms: ReadSbom[];
  readonly checks: Check[];
  readonly warnings: string[];
}

/** Verifies every attachment found; trust material is loaded only when there is something to verify. */
export async function verifyImageAttachments(discovery: Discovery, options: ImageOptions, ctx: RunContext): Promise<ImageAttachmentEvidence> {
  const { sigstore } = options;
  const warnings: string[] = [];
  if (sigstore.insecureIgnoreTlog) warnings.push(TLOG_IGNORED_WARNING);
  const signed = discovery.attachments.filter((a) => a.kind !== 'unsigned-statement');
  const trust = signed.length > 0 || sigstore.key !== undefined || sigstore.trustedRoot !== undefined
    ? await loadTrustMaterial({ ...(sigstore.trustedRoot !== undefined && { trustedRoot: sigstore.trustedRoot }), ...(sigstore.key !== undefined && { key: sigstore.key }) })
    : undefined;
  const settings = trust && {
    trust,
    expected: sigstore.expected,
    insecureIgnoreTlog: sigstore.insecureIgnoreTlog,
    maxDocumentBytes: options.limits.maxDocumentBytes,
    ...(sigstore.rekorUrl !== undefined && { online: { rekorUrl: sigstore.rekorUrl, ctx } }),
    ...(options.dockerReference !== undefined && { dockerReference: options.dockerReference }),
  };
  // One at a time: online lookups stay sequential, and offline verification is CPU-bound anyway.
  const verified: VerifiedAttachment[] = [];
  for (const a of discovery.attachments) verified.push(await verifyAttachment(a, settings));
  ctx.log.debug(`verified ${verified.length} attachment(s)`);
  for (const v of verified) warnings.push(...(v.result?.warnings ?? []));
  const prov = collectImageProvenance(verified, options.provenance, options.sigstore.expected);
  const imageSboms = verifiedImageSboms(verified);
  // interpreted: the provenance rules or the reconciliation (as an image SBOM) read it.
  const interpreted = new Set([...prov.interpreted, ...imageSboms.map((s) => s.origin)]);
  return {
    verified,
    signatures: verified.flatMap((v) => (v.signature ? [v.signature] : [])),
    attestations: verified.flatMap((v) => (v.attestation ? [{ ...v.attestation, interpreted: interpreted.has(v.attachment.source) }] : [])),
    provenance: prov.provenance,
    imageSboms,
    checks: prov.checks,
    warnings,
  };
}
