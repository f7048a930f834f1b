import { createHash } from 'node:crypto';
import type { RunContext } from '../../context.js';
import { fail, isVouchError } from '../../errors.js';
import type { Check, SignatureEvidence } from '../../evidence/index.js';
import { openSource, repositoryPath } from '../../sources/apk/fetch.js';
import type { OpenedSource } from '../../sources/apk/fetch.js';
import { indexCandidates } from '../../sources/apk/index-location.js';
import type { IndexCandidate, IndexLayout } from '../../sources/apk/index-location.js';
import type { ApkIndexRecord } from '../../sources/apk/index-parser.js';
import type { ApkContents } from '../../sources/apk/read-apk.js';
import { compareApkVersions } from '../../sources/apk/version.js';
import type { ApkKeyring } from './keyring.js';
import { readVerifiedIndex } from './verified-index.js';
import type { IndexReadOptions, VerifiedIndex } from './verified-index.js';

/** What resolution takes of the apk options: the package spec, the arch and the index limits. */
export interface RepositoryOptions extends IndexReadOptions {
  /** `name` or `name=version`. */
  readonly target: string;
  readonly arch: string;
}

export interface RepositoryPull {
  readonly indexLocation: string;
  readonly layout: IndexLayout;
  readonly packageLocation: string;
  readonly record: ApkIndexRecord;
  readonly index: VerifiedIndex;
  readonly checks: Check[];
  readonly signatures: SignatureEvidence[];
}

/** apk package names and versions: nothing that could climb out of the repository directory. */
export const NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]*$/;
export const VERSION = /^[A-Za-z0-9_.~+-]+$/;

/** Splits `name` or `name=version`. */
export function parsePackageSpec(spec: string): { name: string; version?: string } {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const version = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!NAME.test(name) || (version !== undefined && !VERSION.test(version))) {
    fail('USAGE', `with --repository, the package must be a file path or URL, or a name or name=version, got ${JSON.stringify(spec)}`);
  }
  return { name, ...(version !== undefined ? { version } : {}) };
}

/**
 * Opens the repository's index: `<repository>/<arch>/APKINDEX.tar.gz`, else (a flat repository)
 * `<repository>/APKINDEX.tar.gz`, or the index file the repository names. Only NOT_FOUND moves
 * on to the next place; any other failure is reported as it is.
 */
export async function openIndex(repository: string, arch: string, ctx: RunContext): Promise<{ candidate: IndexCandidate; opened: OpenedSource }> {
  const candidates = indexCandidates(repository, arch);
  for (const candidate of candidates) {
    ctx.log.debug(`reading ${candidate.index}`);
    try {
      return { candidate, opened: await openSource(candidate.index, ctx) };
    } catch (err) {
      if (!isVouchError(err) || err.code !== 'NOT_FOUND') throw err;
    }
  }
  return fail('NOT_FOUND', `no APKINDEX.tar.gz in ${repository}: looked for ${candidates.map((c) => c.index).join(' and ')}`, {
    hints: [`check the repository and --arch (${arch}); a flat repository has APKINDEX.tar.gz at its root`],
  });
}

/** apk installs a package of the machine's arch or noarch; a record without A: makes no claim. */
export const archFits = (record: ApkIndexRecord, arch: string): boolean => record.arch === undefined || record.arch === arch || record.arch === 'noarch';

/** The repository's index, read and verified, with the records of one package name. */
export interface RepositoryListing {
  readonly candidate: IndexCandidate;
  readonly location: string;
  readonly index: VerifiedIndex;
  /** The index checks, each with the layout found in its details. */
  readonly checks: Check[];
}

/**
 * Finds and verifies the repository index, keeping the records of one package name (its
 * signature is a check like any other: an unverified index still names a package, but the
 * verdict cannot pass).
 */
export async function listPackage(name: string, options: RepositoryOptions, repository: string, keyring: ApkKeyring, ctx: RunContext): Promise<RepositoryListing> {
  const { candidate, opened } = await openIndex(repository, options.arch, ctx);
  const index = await readVerifiedIndex(opened, (r) => r.name === name, options, keyring);
  const checks = index.checks.map((c) => ({ ...c, details: { ...c.details, layout: candidate.layout } }));
  return { candidate, location: opened.location, index, checks };
}

/** The pinned version, else the newest by apk's ordering, among the records for this arch. */
export function pickRecord(listed: readonly ApkIndexRecord[], arch: string, version: string | undefined): ApkIndexRecord | undefined {
  const candidates = listed.filter((r) => archFits(r, arch) && (version === undefined || r.version === version));
  return [...candidates].sort((a, b) => compareApkVersions(b.version, a.version))[0];
}

/** How many of the versions an index lists for a name a message names: the index is attacker-sized. */
const SHOWN_VERSIONS = 20;

/**
 * The versions an index lists for a name, with their arch when it is not this one, for messages:
 * the first SHOWN_VERSIONS (`shown`), how many there are, and the text that says so.
 */
export function listedVersions(listed: readonly ApkIndexRecord[], arch: string): { shown: string[]; total: number; text: string } {
  const all = listed.map((r) => (r.arch !== undefined && !archFits(r, arch) ? `${r.version} (${r.arch})` : r.version)).sort();
  const shown = all.slice(0, SHOWN_VERSIONS);
  return { shown, total: all.length, text: `${shown.join(', ')}${all.length > shown.length ? `, and ${all.length - shown.length} more` : ''}` };
}

/** Picks the named package from the verified repository index. */
export async function resolveFromRepository(options: RepositoryOptions, repository: string, keyring: ApkKeyring, ctx: RunContext): Promise<RepositoryPull> {
  const wanted = parsePackageSpec(options.target);
  const { candidate, location, index, checks } = await listPackage(wanted.name, options, repository, keyring, ctx);
  const listed = index.contents.matches;
  const record = pickRecord(listed, options.arch, wanted.version);
  if (record === undefined) {
    const known = listedVersions(listed, options.arch);
    fail('NOT_FOUND', `${wanted.name}${wanted.version ? `=${wanted.version}` : ''} for ${options.arch} is not in ${location} (${index.contents.packageCount} packages)`, {
      details: { index: location, layout: candidate.layout, versions: known.shown, indexChecks: index.checks.map((c) => ({ id: c.id, status: c.status, code: c.code })) },
      hints: known.total > 0 ? [`versions listed: ${known.text}`] : [`check the name and --arch (${options.arch})`],
    });
  }
  if (!NAME.test(record.name) || !VERSION.test(record.version)) {
    fail('INPUT_MALFORMED', `the index names the package file ${JSON.stringify(`${record.name}-${record.version}.apk`)}, which is not a safe file name`);
  }
  return {
    indexLocation: location,
    layout: candidate.layout,
    packageLocation: repositoryPath(candidate.base, `${record.name}-${record.version}.apk`),
    record,
    index,
    checks,
    signatures: [...index.signatures],
  };
}

/**
 * The index lists the package but the repository does not hold its file (an index-only mirror,
 * a half-synced folder). The index was verified, the package was not: that is "could not
 * check" (exit 3), never a verdict, so no policy can take the verified index for the package.
 */
export function packageAbsent(pull: RepositoryPull, cause: unknown): never {
  const file = `${pull.record.name}-${pull.record.version}.apk`;
  const sig = pull.index.checks.find((c) => c.id === 'apk.index.signature');
  return fail(
    'NOT_FOUND',
    `${file} is listed by the index but absent (${pull.packageLocation}). Verified: the index ${pull.indexLocation} (${sig?.code ?? 'signature not checked'}, ${pull.index.contents.packageCount} packages). Not verified: the package`,
    {
      cause,
      details: {
        verified: { kind: 'apk-index', location: pull.indexLocation, digest: `sha256:${pull.index.contents.sha256}`, checks: pull.index.checks.map((c) => ({ id: c.id, status: c.status, code: c.code })) },
        notVerified: { kind: 'apk', package: file, location: pull.packageLocation },
      },
      hints: [`to verify the index on its own, run vouch apk ${pull.indexLocation} with the same keys`],
    },
  );
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
