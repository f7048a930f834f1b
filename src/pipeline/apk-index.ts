import type { RunContext } from '../context.js';
import { assembleEvidence } from '../evidence/index.js';
import type { Check, Evidence, SignatureEvidence } from '../evidence/index.js';
import type { OpenedSource } from '../sources/apk/fetch.js';
import type { ApkIndexRecord } from '../sources/apk/index-parser.js';
import { DEFAULT_APK_INDEX_CAPS, readApkIndex } from '../sources/apk/read-index.js';
import type { ApkIndexContents } from '../sources/apk/read-index.js';
import { verifyApkSignatures } from '../trust/apk/index.js';
import type { ApkKeyring } from '../trust/apk/index.js';
import { signatureEvidence } from './apk-signature.js';
import type { ApkOptions } from './options.js';
import { toolVersion } from './tool-version.js';

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
  options: ApkOptions,
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

/**
 * The Evidence for an index verified on its own (`vouch apk APKINDEX.tar.gz`): the subject is
 * the index (kind apk-index), never a package, so no policy can read it as a verified package.
 */
export function apkIndexEvidence(options: ApkOptions, index: VerifiedIndex, keyring: ApkKeyring, warnings: readonly string[], ctx: RunContext): Evidence {
  return assembleEvidence({
    toolVersion: toolVersion(),
    collectedAt: ctx.now.toISOString(),
    subject: { kind: 'apk-index', reference: options.target, digest: `sha256:${index.contents.sha256}`, size: index.contents.size },
    checks: [...index.checks],
    signatures: [...index.signatures],
    attestations: [],
    provenance: [],
    sbom: null,
    inventory: null,
    reconciliation: null,
    expectations: { signature: true, keys: keyring.keys.map((k) => k.name).sort() },
    warnings: [...warnings],
  });
}
