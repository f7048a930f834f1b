/**
 * Image-level SBOMs for the reconciliation: the SBOM attestations attached to the image whose
 * signature verified (`cosign attest --type spdxjson|cyclonedx`). An SBOM that nobody verifiably
 * signed is never held against the image, in either direction: it is listed in the Evidence as an
 * unverified attestation and proves nothing. (apko also writes an image SBOM beside the layout, not
 * inside it; unsigned, it is not read.)
 */
import { parseUntrustedJson } from '../evidence/index.js';
import type { ReadSbom } from '../reconcile/types.js';
import { readSbom } from '../sbom/index.js';
import type { VerifiedAttachment } from '../trust/cosign/index.js';

/** Predicate types cosign and other attesters use for SPDX and CycloneDX documents. */
const SBOM_PREDICATE = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)(\/v?[0-9.]+)?$/;

export function isSbomPredicate(predicateType: string): boolean {
  return SBOM_PREDICATE.test(predicateType);
}

export function verifiedImageSboms(verified: readonly VerifiedAttachment[]): ReadSbom[] {
  const out: ReadSbom[] = [];
  for (const v of verified) {
    const statement = v.result?.statement;
    if (!v.attestation?.verified || !statement || !isSbomPredicate(statement.predicateType)) continue;
    out.push({ origin: v.attachment.source, result: readSbom(JSON.stringify(sbomOf(statement.predicate))) });
  }
  return out;
}

/** cosign before v2 wrapped the document as {"Data": "<json text>", "Timestamp": ...}. */
function sbomOf(predicate: unknown): unknown {
  if (predicate !== null && typeof predicate === 'object' && typeof (predicate as Record<string, unknown>)['Data'] === 'string') {
    try {
      return parseUntrustedJson((predicate as { Data: string }).Data, 'SBOM attestation Data');
    } catch {
      return predicate;
    }
  }
  return predicate;
}
