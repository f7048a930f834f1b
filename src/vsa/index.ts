/**
 * Verification summaries (SLSA VSA v1): write one after a verification, check one the
 * slsa-verifier way, and use one at admission instead of verifying again. See docs/vsa.md.
 */
export { chooseVsa, checkVsa, DEFAULT_VSA_MAX_AGE_MS, VSA_CLOCK_SKEW_MS } from './admit.js';
export type { VsaAdmission, VsaCandidate } from './admit.js';
export { attachVsa, checkAttachable } from './attach.js';
export type { Attached, AttachTarget } from './attach.js';
export { readVsaDocument } from './document.js';
export type { VsaDocument } from './document.js';
export { admitImageWithVsa } from './image.js';
export type { ImageVsaOptions, ImageVsaOutcome } from './image.js';
export { loadSigningKey, loadTrustedKey, trustedKeyFromPem } from './keys.js';
export type { VsaSigningKey } from './keys.js';
export { levelReached, verifiedLevels, VOUCH_LEVELS } from './levels.js';
export { vsaAdmissionReport } from './report.js';
export { signVsa } from './sign.js';
export type { SignedVsa } from './sign.js';
export { verifyVsaSignature } from './signature.js';
export { readVsaStatement } from './statement-read.js';
export { policyField, resourceUri, vsaStatement } from './statement.js';
export * from './types.js';
export { verifyVsaFile } from './verify.js';
export type { VsaExpectations, VsaFile } from './verify.js';
