export { isGcloudDocument, MAX_GCB_OCCURRENCES, MAX_GCB_SIGNATURES, parseGcloudDocument } from './document.js';
export type { GcloudDocument, GcbOccurrence } from './document.js';
export { gcbKeyFor, GLOBAL_V01_KEYID, GLOBAL_V1_KEYID } from './keys.js';
export { GCB_BUILDER } from './rules.js';
export { ANY_GCB_KEY, gcbAcceptedSigner, SLSA_V01, verifyGcbEnvelope } from './signature.js';
export type { GcbAcceptedSigner } from './signature.js';
export { compareTextStatement } from './text.js';
export { verifyGcloudDocument } from './verify.js';
export type { GcbExpectations, GcbOutcome } from './verify.js';
