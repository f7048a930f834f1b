/**
 * apk packages and repository indexes (Alpine, Wolfi): where an apk is checked. keyring.ts loads
 * the trusted RSA keys; verify-signature.ts checks the .SIGN.* signatures over the control
 * segment or index; signature-evidence.ts turns that outcome into the signature check and
 * records; integrity-checks.ts checks what one pass over the package established (structure,
 * datahash, per-file checksums); verified-index.ts reads an APKINDEX and checks its signature;
 * repository.ts picks a package from a verified index and checks it against the index's C:/S:;
 * listed-file.ts checks a package file given with a repository against that index's entry for it.
 * Reading the bytes (gzip members, tar, .PKGINFO, the index format) is src/sources/apk.
 */
export { DEFAULT_APK_KEYS_DIR, loadApkKey, loadApkKeyring } from './keyring.js';
export type { ApkKeyring, ApkTrustedKey, KeyringOptions } from './keyring.js';
export { verifyApkSignatures } from './verify-signature.js';
export type { ApkDigestAlgorithm, ApkSignatureOutcome } from './verify-signature.js';
export { fileFindings, integrityChecks } from './integrity-checks.js';
export { indexChecksumCheck, listPackage, packageAbsent, parsePackageSpec, pickRecord, resolveFromRepository } from './repository.js';
export type { RepositoryListing, RepositoryOptions, RepositoryPull } from './repository.js';
export { checkFileAgainstRepository, isPackageFileTarget } from './listed-file.js';
export type { IndexedEvidence } from './listed-file.js';
export { signatureEvidence } from './signature-evidence.js';
export type { SignedThing } from './signature-evidence.js';
export { readVerifiedIndex } from './verified-index.js';
export type { IndexReadOptions, VerifiedIndex } from './verified-index.js';
