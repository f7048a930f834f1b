/**
 * apk subjects of a batch: files and URLs named on the command line, names looked up in a
 * repository, and every package a verified repository index lists (`--repository … --all`).
 */
import type { RunContext } from '../context.js';
import { fail, isVouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import { apkEvidenceFromStream, collectApkEvidence } from '../pipeline/apk.js';
import { readVerifiedIndex } from '../trust/apk/verified-index.js';
import type { VerifiedIndex } from '../trust/apk/verified-index.js';
import { archFits, NAME, openIndex, packageAbsent, VERSION } from '../trust/apk/repository.js';
import type { RepositoryPull } from '../trust/apk/repository.js';
import type { ApkOptions } from '../pipeline/options.js';
import { isHttpUrl, openSource, repositoryPath } from '../sources/apk/fetch.js';
import type { IndexCandidate } from '../sources/apk/index-location.js';
import type { ApkIndexRecord } from '../sources/apk/index-parser.js';
import type { ApkKeyring } from '../trust/apk/index.js';
import { indexEntryDigest } from './cache-key.js';
import type { CachedVerification } from './cached.js';
import type { BatchSubject } from './run.js';
import { fileDigest } from './verify.js';
import type { Judge } from './verify.js';

export interface ApkBatchSubject extends BatchSubject {
  readonly kind: 'apk';
  /** Set for a package listed by the repository index (--all): its entry, as the index gives it. */
  readonly entry?: ApkIndexRecord;
}

/** A repository index read and verified once for the whole run, with the entries for this arch. */
export interface RepositoryListing {
  readonly candidate: IndexCandidate;
  readonly index: VerifiedIndex;
  readonly entries: readonly ApkIndexRecord[];
}

/** Records keep only what verifying needs: an index of 100,000 entries stays a few megabytes. */
const NO_FIELDS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Reads the repository index once and lists every package it names for the arch (noarch and
 * entries without A: included, as apk would install them), one entry per name and version. The
 * index signature is a check each package carries: an unverified index still lists packages,
 * and every one of them fails.
 */
export async function listRepository(options: ApkOptions, repository: string, keyring: ApkKeyring, ctx: RunContext): Promise<RepositoryListing> {
  const { candidate, opened } = await openIndex(repository, options.arch, ctx);
  const entries: ApkIndexRecord[] = [];
  const seen = new Set<string>();
  const index = await readVerifiedIndex(
    opened,
    (r) => {
      const id = `${r.name}=${r.version}`;
      if (archFits(r, options.arch) && !seen.has(id)) {
        seen.add(id);
        entries.push({ name: r.name, version: r.version, ...(r.arch !== undefined && { arch: r.arch }), ...(r.checksum !== undefined && { checksum: r.checksum }), ...(r.size !== undefined && { size: r.size }), fields: NO_FIELDS });
      }
      return false; // nothing kept in the index reader: the list above is all we need
    },
    options,
    keyring,
  );
  return { candidate, index, entries };
}

/** The subjects of a listing, named name=version (the spelling `vouch apk NAME=VERSION --repository` takes). */
export function listingSubjects(listing: RepositoryListing): ApkBatchSubject[] {
  return listing.entries.map((entry) => ({ name: `${entry.name}=${entry.version}`, kind: 'apk', entry }));
}

/** Whether this run's index signature check passed: only then does the index vouch for `C:`. */
export function listingSigned(listing: RepositoryListing): boolean {
  return listing.index.checks.some((c) => c.id === 'apk.index.signature' && c.status === 'pass');
}

/** The Evidence for one package of a listing: downloaded or read, checked against its entry, verified. */
export async function listedPackageEvidence(entry: ApkIndexRecord, listing: RepositoryListing, options: ApkOptions, keyring: ApkKeyring, warnings: readonly string[], ctx: RunContext): Promise<Evidence> {
  if (!NAME.test(entry.name) || !VERSION.test(entry.version)) {
    fail('INPUT_MALFORMED', `the index names the package file ${JSON.stringify(`${entry.name}-${entry.version}.apk`)}, which is not a safe file name`);
  }
  const layout = listing.candidate.layout;
  const pull: RepositoryPull = {
    indexLocation: listing.index.location,
    layout,
    packageLocation: repositoryPath(listing.candidate.base, `${entry.name}-${entry.version}.apk`),
    record: entry,
    index: listing.index,
    checks: listing.index.checks.map((c) => ({ ...c, details: { ...c.details, layout } })),
    signatures: [...listing.index.signatures],
  };
  let opened;
  try {
    opened = await openSource(pull.packageLocation, ctx);
  } catch (err) {
    if (isVouchError(err) && err.code === 'NOT_FOUND') packageAbsent(pull, err);
    throw err;
  }
  return apkEvidenceFromStream(opened.stream, opened.location, { ...options, target: `${entry.name}=${entry.version}` }, keyring, ctx, { pull, warnings });
}

/** What the batch needs to verify apk subjects; the keyring and the listing are loaded once. */
export interface ApkBatchContext {
  readonly options: ApkOptions;
  /** Loaded once when there is a listing. */
  readonly keyring: ApkKeyring | undefined;
  readonly listing: RepositoryListing | undefined;
  readonly warnings: readonly string[];
  readonly judge: Judge;
}

/**
 * How one apk subject is verified and which digest keys its cache entry: a listed package by its
 * signed index entry, a local file by its SHA-256; a URL or a name looked up per subject has no
 * digest before it is fetched, so it is verified every time.
 */
export function apkVerification(subject: ApkBatchSubject, batch: ApkBatchContext, ctx: RunContext): CachedVerification {
  const { entry } = subject;
  const { listing, keyring } = batch;
  if (entry !== undefined && listing !== undefined && keyring !== undefined) {
    return {
      subjectDigest: () => Promise.resolve(listingSigned(listing) ? indexEntryDigest(entry) : undefined),
      verify: async () => batch.judge(await listedPackageEvidence(entry, listing, batch.options, keyring, batch.warnings, ctx)),
      confirms: (report) => report.evidence.checks.some((c) => c.id === 'apk.index.checksum' && c.status === 'pass'),
    };
  }
  const local = batch.options.repository === undefined && !isHttpUrl(subject.name);
  return {
    subjectDigest: () => (local ? fileDigest(subject.name, 'apk', ctx.signal) : Promise.resolve(undefined)),
    verify: async () => batch.judge(await collectApkEvidence({ ...batch.options, target: subject.name }, ctx)),
    confirms: (report, digest) => report.evidence.subject.digest === digest,
  };
}
