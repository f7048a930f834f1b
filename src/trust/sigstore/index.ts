/**
 * The Sigstore trust layer: trust material, bundle parsing and verification. Used by
 * `vouch artifact`, and meant for the image and provenance pipelines too (see docs/sigstore.md).
 */
export { BUNDLE_MEDIA_TYPES, DEFAULT_MAX_BUNDLE_BYTES, parseBundle, parseBundleJSON } from './bundle-parse.js';
export type { BundleParseFailure, BundleParseResult, ParsedBundle } from './bundle-parse.js';
export { anchored, matchIdentity, namesSigner, signerFromCertificate } from './identity.js';
export { verifyLegacyEntry } from './legacy-tlog.js';
export type { LegacyBodyCheck, LegacyBodyChecks } from './legacy-tlog.js';
export { matchSubject, parseStatement, IN_TOTO_PAYLOAD_TYPE } from './statement.js';
export { embeddedPublicGoodRoot, loadTrustMaterial, PUBLIC_GOOD_SOURCE, trustFromJSON } from './trusted-root.js';
export type { SigstoreTrust, TrustedLog, TrustOptions } from './trusted-root.js';
export { validateTrustedRootJSON } from './trusted-root-validate.js';
export { TLOG_IGNORED_WARNING, verifyBundle } from './verify-bundle.js';
export type { SignerExpectation, VerifyBundleOptions } from './verify-bundle.js';
export type * from './types.js';
