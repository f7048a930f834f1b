export { DEFAULT_APK_KEYS_DIR, loadApkKey, loadApkKeyring } from './keyring.js';
export type { ApkKeyring, ApkTrustedKey, KeyringOptions } from './keyring.js';
export { verifyApkSignatures } from './verify-signature.js';
export type { ApkDigestAlgorithm, ApkSignatureOutcome } from './verify-signature.js';
