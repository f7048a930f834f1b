import { createHash } from 'node:crypto';
import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import type { Check, SignatureEvidence } from '../evidence/index.js';
import { openSource, repositoryPath } from '../sources/apk/fetch.js';
import type { ApkIndexRecord } from '../sources/apk/index-parser.js';
import type { ApkContents } from '../sources/apk/read-apk.js';
import { readApkIndex } from '../sources/apk/read-index.js';
import { compareApkVersions } from '../sources/apk/version.js';
import { verifyApkSignatures } from '../trust/apk/index.js';
import type { ApkKeyring } from '../trust/apk/index.js';
import { signatureEvidence } from './apk-signature.js';
import type { ApkOptions } from './options.js';

export interface RepositoryPull {
  readonly indexLocation: string;
  readonly packageLocation: string;
  readonly record: ApkIndexRecord;
  readonly checks: Check[];
  readonly signatures: SignatureEvidence[];
}

/** apk package names and versions: nothing that could climb out of the repository directory. */
const NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]*$/;
const VERSION = /^[A-Za-z0-9_.~+-]+$/;

/** Splits `name` or `name=version`. */
export function parsePackageSpec(spec: string): { name: string; version?: string } {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const version = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!NAME.test(name) || (version !== undefined && !VERSION.test(version))) {
    fail('USAGE', `with --repository, the package must be a name or name=version, got ${JSON.stringify(spec)}`);
  }
  return { name, ...(version !== undefined ? { version } : {}) };
}

/**
 * Fetches `<repository>/<arch>/APKINDEX.tar.gz`, verifies its signature with the keyring, and
 * picks the package (the pinned version, else the newest). The index signature is a check like
 * any other: an unverified index still names a package, but the verdict cannot pass.
 */
export async function resolveFromRepository(options: ApkOptions, repository: string, keyring: ApkKeyring, ctx: RunContext): Promise<RepositoryPull> {
  const wanted = parsePackageSpec(options.target);
  const indexLocation = repositoryPath(repository, options.arch, 'APKINDEX.tar.gz');
  ctx.log.debug(`reading ${indexLocation}`);
  const opened = await openSource(indexLocation, ctx.signal);
  const index = await readApkIndex(opened.stream, (r) => r.name === wanted.name, options.limits);
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
  const candidates = index.matches.filter((r) => wanted.version === undefined || r.version === wanted.version);
  const record = [...candidates].sort((a, b) => compareApkVersions(b.version, a.version))[0];
  if (record === undefined) {
    const known = index.matches.map((r) => r.version).sort(compareApkVersions);
    fail('NOT_FOUND', `${wanted.name}${wanted.version ? `=${wanted.version}` : ''} is not in ${opened.location} (${index.packageCount} packages)`, {
      details: { index: opened.location, versions: known },
      hints: known.length > 0 ? [`versions listed: ${known.join(', ')}`] : [`check the name and --arch (${options.arch})`],
    });
  }
  if (!NAME.test(record.name) || !VERSION.test(record.version)) {
    fail('INPUT_MALFORMED', `the index names the package file ${JSON.stringify(`${record.name}-${record.version}.apk`)}, which is not a safe file name`);
  }
  return {
    indexLocation: opened.location,
    packageLocation: repositoryPath(repository, options.arch, `${record.name}-${record.version}.apk`),
    record,
    checks: [{ ...check, details: { ...check.details, packages: index.packageCount } }],
    signatures,
  };
}

/** `C:Q1<base64 sha1 of the control member>` and `S:<file size>` must describe the downloaded file. */
export function indexChecksumCheck(record: ApkIndexRecord, apk: ApkContents): Check {
  const id = 'apk.index.checksum';
  const found = `Q1${createHash('sha1').update(apk.control.compressed).digest('base64')}`;
  if (record.checksum === undefined || !record.checksum.startsWith('Q1')) {
    return { id, status: 'fail', code: 'APK_INDEX_CHECKSUM_MISSING', message: `the index gives no Q1 (SHA-1) checksum for ${record.name}-${record.version}`, found };
  }
  if (record.checksum !== found) {
    return {
      id,
      status: 'fail',
      code: 'APK_INDEX_CHECKSUM_MISMATCH',
      message: `the downloaded ${record.name}-${record.version}.apk is not the package the index vouches for (control segment checksum differs)`,
      expected: record.checksum,
      found,
    };
  }
  if (record.size !== undefined && record.size !== apk.size) {
    return { id, status: 'fail', code: 'APK_INDEX_SIZE_MISMATCH', message: `the index gives ${record.size} bytes for ${record.name}-${record.version}.apk, the file has ${apk.size}`, expected: String(record.size), found: String(apk.size) };
  }
  return { id, status: 'pass', code: 'APK_INDEX_CHECKSUM_MATCH', message: `the package matches the index entry (C:${found}${record.size !== undefined ? `, S:${record.size}` : ''})`, expected: record.checksum, found };
}
