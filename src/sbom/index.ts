export { readSbom, sniff } from './read.js';
export { readSbomValidated, cycloneDxSchemaIssues } from './validated.js';
export { toSbomDocumentEvidence } from './evidence.js';
export { canonicalLicense, licenseProblem, sameLicense } from './license.js';
export { parsePurl, purlOf } from './purl.js';
export type { ParsedPurl } from './purl.js';
export { SBOM_LIMITS } from './issues.js';
export type * from './model.js';
