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
