export { reconcile, sortFindings } from './reconcile.js';
export { FILE_CODES, PACKAGE_CODES, PROVENANCE_CODES } from './codes.js';
export { buildConfig } from './provenance.js';
export type { ReadSbom, ReconcileInput, ReconcileOptions, ReconcileResult } from './types.js';
