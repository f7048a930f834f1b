import type { Check, SignatureEvidence } from '../../evidence/index.js';
import type { OpenedSource } from '../../sources/apk/fetch.js';
import type { ApkIndexRecord } from '../../sources/apk/index-parser.js';
import { DEFAULT_APK_INDEX_CAPS, readApkIndex } from '../../sources/apk/read-index.js';
import type { ApkIndexCaps, ApkIndexContents } from '../../sources/apk/read-index.js';
import type { ApkKeyring } from './keyring.js';
import { verifyApkSignatures } from './verify-signature.js';
import { signatureEvidence } from './signature-evidence.js';

/** What reading an index takes of the apk options: the limits and the index caps. */
export interface IndexReadOptions {
  readonly limits: Parameters<typeof readApkIndex>[2];
  /** Default DEFAULT_APK_INDEX_CAPS. */
  readonly indexCaps?: ApkIndexCaps | undefined;
}

/** An APKINDEX.tar.gz read in one pass, with its signature checked against the keyring. */
export interface VerifiedIndex {
  readonly location: string;
  readonly contents: ApkIndexContents;
  /** apk.index.signature and apk.index.format. */
  readonly checks: readonly Check[];
  readonly signatures: readonly SignatureEvidence[];
}

/**
 * Reads an index stream under the index caps, verifies its signature over everything after the
 * signature member, and describes what it holds (entry count, DESCRIPTION). Nothing the index
 * says is trustworthy unless apk.index.signature passed; the checks say so, the caller decides.
 */
export async function readVerifiedIndex(
  opened: OpenedSource,
  select: (record: ApkIndexRecord) => boolean,
  options: IndexReadOptions,
  keyring: ApkKeyring,
): Promise<VerifiedIndex> {
  const index = await readApkIndex(opened.stream, select, options.limits, options.indexCaps ?? DEFAULT_APK_INDEX_CAPS);
  const signed = (algorithm: 'sha1' | 'sha256' | 'sha512'): Buffer => index.signedDigests[algorithm];
  const outcome = index.embeddedSignature
    ? ({ status: 'malformed', reason: 'the signature is inside the signed gzip stream instead of a member of its own' } as const)
    : verifyApkSignatures(index.signatures, signed, keyring);
  const { check, signatures } = signatureEvidence(
    { checkId: 'apk.index.signature', prefix: 'APK_INDEX', what: `index ${opened.location}`, source: opened.location, attachedTo: `sha256:${index.sha256}` },
    index.signatures,
    outcome,
    keyring,
  );
  return {
    location: opened.location,
    contents: index,
    checks: [{ ...check, details: { ...check.details, packages: index.packageCount } }, formatCheck(index, opened.location)],
    signatures,
  };
}

/** What the index holds; it can only pass, since an unreadable index is an error (exit 3). */
function formatCheck(index: ApkIndexContents, location: string): Check {
  const description = index.description === undefined ? 'no DESCRIPTION' : `DESCRIPTION ${JSON.stringify(index.description)}`;
  return {
    id: 'apk.index.format',
    status: 'pass',
    code: 'APK_INDEX_FORMAT_OK',
    message: `APKINDEX lists ${index.packageCount} packages in ${index.lineCount} lines; ${description}`,
    details: { location, packages: index.packageCount, lines: index.lineCount, description: index.description ?? null, compressedSize: index.size },
  };
}
