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
