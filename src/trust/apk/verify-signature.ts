import { constants, publicDecrypt } from 'node:crypto';
import type { ApkSignatureEntry } from '../../sources/apk/signature-entries.js';
import type { ApkKeyring, ApkTrustedKey } from './keyring.js';

export type ApkDigestAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** `.SIGN.<ALG>` → the digest the RSA PKCS#1 v1.5 signature is made over (apk-tools, abuild-sign). */
const ALGORITHMS: Readonly<Record<string, ApkDigestAlgorithm>> = { RSA: 'sha1', RSA256: 'sha256', RSA512: 'sha512' };

/** DER DigestInfo prefixes (RFC 8017 9.2 note 1). */
const DIGEST_INFO: Readonly<Record<ApkDigestAlgorithm, Buffer>> = {
  sha1: Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

export type ApkSignatureOutcome =
  | { readonly status: 'verified'; readonly key: ApkTrustedKey; readonly entry: ApkSignatureEntry; readonly algorithm: ApkDigestAlgorithm }
  | { readonly status: 'unsigned' }
  | { readonly status: 'no-trusted-keys'; readonly keyNames: readonly string[] }
  | { readonly status: 'untrusted-key'; readonly keyNames: readonly string[] }
  | { readonly status: 'bad-signature'; readonly keyNames: readonly string[] }
  | { readonly status: 'malformed'; readonly reason: string };

/**
 * Verifies apk signatures over the signed bytes, given as their digests. One signature from a
 * trusted key suffices (as in apk-tools). The key name in the entry is only a hint: the key of
 * that name is tried first, then every trusted key, so a renamed key file still works and a
 * name never grants trust. When nothing verifies, the outcome says why, most specific first:
 * the named trusted key did not verify (bad signature), the signature cannot be what a trusted
 * key of that name makes (malformed), or no trusted key made it (untrusted key).
 */
export function verifyApkSignatures(
  entries: readonly ApkSignatureEntry[] | undefined,
  digest: (algorithm: ApkDigestAlgorithm) => Buffer,
  keyring: ApkKeyring,
): ApkSignatureOutcome {
  if (entries === undefined || entries.length === 0) return { status: 'unsigned' };
  const keyNames = [...new Set(entries.map((e) => e.keyName))].sort();
  const supported = entries.filter((e) => ALGORITHMS[e.algorithm] !== undefined);
  if (supported.length === 0) {
    return { status: 'malformed', reason: `unsupported signature algorithm ${[...new Set(entries.map((e) => e.algorithm))].sort().join(', ')}` };
  }
  if (keyring.keys.length === 0) return { status: 'no-trusted-keys', keyNames };
  let namedKeyFailed = false;
  let malformed: string | undefined;
  for (const entry of supported) {
    const algorithm = ALGORITHMS[entry.algorithm] as ApkDigestAlgorithm;
    const expected = Buffer.concat([DIGEST_INFO[algorithm], digest(algorithm)]);
    const named = keyring.keys.filter((k) => k.name === entry.keyName);
    const others = keyring.keys.filter((k) => k.name !== entry.keyName);
    for (const key of [...named, ...others]) {
      if (entry.signature.length !== key.modulusBytes) continue;
      if (signatureHolds(entry.signature, key, expected)) return { status: 'verified', key, entry, algorithm };
    }
    if (entry.signature.length === 0) malformed ??= `${entry.entry} is empty`;
    else if (named.length > 0 && named.every((k) => entry.signature.length !== k.modulusBytes)) {
      malformed ??= `${entry.entry} is ${entry.signature.length} bytes; key ${entry.keyName} makes ${named[0]?.modulusBytes}-byte signatures`;
    } else if (named.length > 0) namedKeyFailed = true;
  }
  if (namedKeyFailed) return { status: 'bad-signature', keyNames };
  if (malformed !== undefined) return { status: 'malformed', reason: malformed };
  return { status: 'untrusted-key', keyNames };
}

/**
 * RSA PKCS#1 v1.5 verification over a digest computed elsewhere (the signed bytes are streamed,
 * never held): OpenSSL checks the type-1 padding, and the recovered DigestInfo must equal the
 * expected one byte for byte, so no lenient DER parsing can be exploited.
 */
function signatureHolds(signature: Buffer, key: ApkTrustedKey, expected: Buffer): boolean {
  try {
    const recovered = publicDecrypt({ key: key.key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return recovered.equals(expected);
  } catch {
    return false;
  }
}
