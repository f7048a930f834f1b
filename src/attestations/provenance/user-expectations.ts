/**
 * The user's provenance expectations (slsa-verifier's flags) as the provenance rules take them,
 * and as the Evidence records them. Typed by the rules' own input, so the option types of the
 * pipeline fit without this module importing them.
 */
import type { ExpectedSigner } from '../../trust/sigstore/index.js';
import type { ProvenanceExpectationsInput } from '../evaluate.js';

/** slsa-verifier's expectations (source, builder, workflow inputs); every one given must hold. */
export type ProvenanceExpectationValues = Omit<ProvenanceExpectationsInput, 'namedSigner'>;

/** Whether the user gave any slsa-verifier expectation (then provenance is required). */
export function provenanceExpectationsGiven(p: ProvenanceExpectationValues): boolean {
  return [p.sourceUri, p.sourceBranch, p.sourceTag, p.sourceVersionedTag, p.builderId].some((v) => v !== undefined) || Object.keys(p.workflowInputs).length > 0;
}

/** The pipeline's expectations in the shape the provenance rules take. */
export function toExpectationsInput(p: ProvenanceExpectationValues, namedSigner: ExpectedSigner): ProvenanceExpectationsInput {
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
export function provenanceExpectationsEvidence(p: ProvenanceExpectationValues): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = { provenance: true };
  if (p.sourceUri !== undefined) out['sourceUri'] = p.sourceUri;
  if (p.sourceBranch !== undefined) out['sourceBranch'] = p.sourceBranch;
  if (p.sourceTag !== undefined) out['sourceTag'] = p.sourceTag;
  if (p.sourceVersionedTag !== undefined) out['sourceVersionedTag'] = p.sourceVersionedTag;
  if (p.builderId !== undefined) out['builderId'] = p.builderId;
  return out;
}
