import { existsSync } from 'node:fs';
import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import type { ApkOptions } from '../pipeline/options.js';
import { assertApkArch } from '../sources/apk/arch.js';
import { isHttpUrl } from '../sources/apk/fetch.js';
import { loadApkKeyring } from '../trust/apk/index.js';
import type { ApkKeyring } from '../trust/apk/index.js';
import { apkVerification, listingSubjects, listRepository } from './apk.js';
import type { ApkBatchSubject, RepositoryListing } from './apk.js';
import type { SubjectPlan } from './plan.js';
import { withSubjectDeadline } from './verify.js';
import type { Judge } from './verify.js';

export interface ApkPlanInput {
  /** Files, URLs, or (with a repository) names; empty with `all`. */
  readonly targets: readonly string[];
  /** Every package the repository index lists for the arch. */
  readonly all: boolean;
  readonly options: ApkOptions;
  readonly judge: Judge;
  /** Deadline of the index download and read (--timeout, as each subject has). */
  readonly timeoutMs: number;
  /** Anything else of the command line that changes a verdict (the effective time, when given). */
  readonly expectations: Readonly<Record<string, unknown>>;
}

/**
 * The apk subjects of a run. With `all`, the repository index is read and verified once and
 * every package it lists for the arch becomes a subject; the keyring is loaded once for them.
 */
export async function apkPlan(input: ApkPlanInput, ctx: RunContext): Promise<SubjectPlan<ApkBatchSubject>> {
  const { options } = input;
  assertApkArch(options.arch);
  if (options.repository === undefined && input.targets.length > 1) {
    // The same test as a single target, for all of them before any work: a usage error is exit 2.
    const bare = input.targets.find((t) => !isHttpUrl(t) && !existsSync(t) && !t.includes('/') && !t.endsWith('.apk'));
    if (bare !== undefined) fail('USAGE', `${bare} is not a file; to look a package up by name, give --repository <url|dir>`);
  }
  let keyring: ApkKeyring | undefined;
  const loadKeyring = async (): Promise<ApkKeyring> => (keyring ??= await loadApkKeyring({ keys: options.keys, keyrings: options.keyrings }));
  let listing: RepositoryListing | undefined;
  let warnings: string[] = [];
  if (input.all) {
    const repository = options.repository ?? fail('USAGE', '--all needs --repository');
    const ring = await loadKeyring();
    if (ring.keys.length === 0) warnings.push('no trusted apk keys: give --apk-key or --keyring (no /etc/apk/keys on this machine)');
    warnings = [...warnings, ...(ring.skipped ?? []).map((s) => `keyring file ${s.path} is not used: ${s.reason}`)];
    listing = await withSubjectDeadline(input.timeoutMs, { now: ctx.now, log: ctx.log, ...(ctx.progress !== undefined && { progress: ctx.progress }) }, (c) => listRepository(options, repository, ring, c));
    if (listing.entries.length === 0) fail('NOT_FOUND', `the index ${listing.index.location} lists no package for ${options.arch}`, { hints: [`check --arch (${options.arch})`] });
  }
  const subjects: ApkBatchSubject[] = listing !== undefined ? listingSubjects(listing) : input.targets.map((name) => ({ name, kind: 'apk' }));
  return {
    subjects,
    verification: (subject, c) => apkVerification(subject, { options, keyring, listing, warnings, judge: input.judge }, c),
    keyInputs: async () => {
      const ring = await loadKeyring();
      return {
        trust: ring.keys.map((k) => ({ what: `apk key ${k.name}`, sha256: k.fingerprint })),
        expectations: { ...input.expectations, kind: 'apk', repository: options.repository ?? null, arch: options.arch },
      };
    },
  };
}
