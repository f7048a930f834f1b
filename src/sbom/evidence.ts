import type { SbomDocumentEvidence } from '../evidence/types.js';
import type { SbomDocument } from './model.js';

/**
 * The Evidence summary of one read document (evidence/types.ts SbomDocumentEvidence): what a
 * policy or report needs, with the lists sorted so that identical inputs give identical JSON.
 */
export function toSbomDocumentEvidence(origin: string, doc: SbomDocument): SbomDocumentEvidence {
  const packages = doc.packages
    .map((p) => ({
      name: p.name,
      ...(p.version !== undefined ? { version: p.version } : {}),
      ...(p.purl !== undefined ? { purl: p.purl } : {}),
      ...(p.licenseDeclared !== undefined ? { licenseDeclared: p.licenseDeclared } : {}),
      ...(p.licenseConcluded !== undefined ? { licenseConcluded: p.licenseConcluded } : {}),
      ...(p.supplier !== undefined ? { supplier: p.supplier } : {}),
    }))
    .sort((a, b) => compare(a.name, b.name) || compare(a.version ?? '', b.version ?? '') || compare(a.purl ?? '', b.purl ?? ''));
  return {
    origin,
    format: doc.format,
    specVersion: doc.specVersion,
    ...(doc.name !== undefined ? { name: doc.name } : {}),
    ...(doc.namespace !== undefined ? { namespace: doc.namespace } : {}),
    ...(doc.created !== undefined ? { created: doc.created } : {}),
    creators: [...doc.creators].sort(compare),
    packages,
    fileCount: doc.files.length,
    issues: [...doc.issues].sort((a, b) => compare(a.path, b.path) || compare(a.reason, b.reason)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
