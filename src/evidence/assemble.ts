import { byKeys } from './stable-json.js';
import { EVIDENCE_SCHEMA_VERSION } from './types.js';
import type {
  AttestationEvidence,
  Check,
  Evidence,
  Finding,
  ProvenanceEvidence,
  SignatureEvidence,
} from './types.js';

export type EvidenceParts = Omit<Evidence, 'schemaVersion' | 'tool'> & { readonly toolVersion: string };

/**
 * Builds the Evidence document from the parts a pipeline collected, sorting every list by its
 * documented key so that the document is deterministic whatever order the collectors ran in.
 */
export function assembleEvidence(parts: EvidenceParts): Evidence {
  const { toolVersion, ...rest } = parts;
  return {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    tool: { name: 'vouch', version: toolVersion },
    ...rest,
    checks: [...rest.checks].sort(byKeys<Check>((c) => c.id, (c) => c.code)),
    signatures: [...rest.signatures].sort(
      byKeys<SignatureEvidence>((s) => s.kind, (s) => s.attachedTo, (s) => s.source, (s) => s.code),
    ),
    attestations: [...rest.attestations].sort(
      byKeys<AttestationEvidence>((a) => a.predicateType, (a) => a.attachedTo, (a) => a.source, (a) => a.code),
    ),
    provenance: [...rest.provenance].sort(byKeys<ProvenanceEvidence>((p) => p.attestation, (p) => p.builderId)),
    reconciliation: rest.reconciliation && {
      ...rest.reconciliation,
      findings: [...rest.reconciliation.findings].sort(
        byKeys<Finding>((f) => f.level, (f) => f.code, (f) => f.package, (f) => f.path),
      ),
    },
    warnings: [...new Set(rest.warnings)].sort(),
  };
}
