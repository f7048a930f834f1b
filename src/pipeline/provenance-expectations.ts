import type { ProvenanceExpectationsInput } from '../attestations/index.js';
import type { IdentityExpectation, ProvenanceExpectations } from './options.js';

/** Whether the user gave any slsa-verifier expectation (then provenance is required). */
export function provenanceExpectationsGiven(p: ProvenanceExpectations): boolean {
  return [p.sourceUri, p.sourceBranch, p.sourceTag, p.sourceVersionedTag, p.builderId].some((v) => v !== undefined) || Object.keys(p.workflowInputs).length > 0;
}

/** The pipeline's expectations in the shape the provenance rules take. */
export function toExpectationsInput(p: ProvenanceExpectations, namedSigner: IdentityExpectation): ProvenanceExpectationsInput {
  return {
    namedSigner,
    ...(p.sourceUri !== undefined && { sourceUri: p.sourceUri }),
    ...(p.sourceBranch !== undefined && { sourceBranch: p.sourceBranch }),
    ...(p.sourceTag !== undefined && { sourceTag: p.sourceTag }),
    ...(p.sourceVersionedTag !== undefined && { sourceVersionedTag: p.sourceVersionedTag }),
    ...(p.builderId !== undefined && { builderId: p.builderId }),
    workflowInputs: p.workflowInputs,
  };
}

/**
 * What the Evidence records of the user's provenance expectations: `provenance: true` and each value
 * given. Policies read `sourceUri` to refuse provenance checked without a source repository (then
 * any repository's build on a trusted builder would pass).
 */
export function provenanceExpectationsEvidence(p: ProvenanceExpectations): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = { provenance: true };
  if (p.sourceUri !== undefined) out['sourceUri'] = p.sourceUri;
  if (p.sourceBranch !== undefined) out['sourceBranch'] = p.sourceBranch;
  if (p.sourceTag !== undefined) out['sourceTag'] = p.sourceTag;
  if (p.sourceVersionedTag !== undefined) out['sourceVersionedTag'] = p.sourceVersionedTag;
  if (p.builderId !== undefined) out['builderId'] = p.builderId;
  return out;
}
