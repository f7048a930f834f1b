/**
 * SLSA provenance: where a provenance attestation is checked. v02.ts and v1.ts read the two
 * predicate versions into one view (view.ts); user-expectations.ts carries slsa-verifier's
 * expectations; verify-entry.ts checks the signature of an attestation entry (bundle or DSSE
 * envelope) through the Sigstore layer; judge-attestation.ts runs the provenance rules
 * (../evaluate.ts) over one entry of `vouch artifact --attestation`; image-provenance.ts over the
 * verified cosign attestations of an image. The pipeline imports those files directly: this
 * index stays the reader only, since ../evaluate.ts imports it.
 */
import type { Statement } from '../statement.js';
import { readProvenanceV02 } from './v02.js';
import { readProvenanceV1 } from './v1.js';
import { SLSA_V02, SLSA_V1 } from './view.js';
import type { ProvenanceView } from './view.js';

export type { ProvenanceView, SourceClaim } from './view.js';
export { SLSA_V02, SLSA_V1 } from './view.js';

export type ProvenanceRead =
  | { readonly kind: 'provenance'; readonly view: ProvenanceView }
  | { readonly kind: 'malformed'; readonly message: string }
  | { readonly kind: 'not-provenance'; readonly predicateType: string };

/** Reads SLSA provenance from a statement; other predicate types are "not-provenance", never guessed. */
export function readProvenance(statement: Statement): ProvenanceRead {
  const { predicateType, predicate, subjects } = statement;
  const read = predicateType === SLSA_V02 ? readProvenanceV02 : predicateType === SLSA_V1 ? readProvenanceV1 : undefined;
  if (!read) return { kind: 'not-provenance', predicateType };
  const view = read(predicate, subjects);
  return typeof view === 'string' ? { kind: 'malformed', message: view } : { kind: 'provenance', view };
}
