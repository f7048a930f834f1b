import type { RunContext } from '../context.js';
import { isVouchError, VouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import { commandDeadline, DEFAULT_COMMAND_TIMEOUT_MS } from '../pipeline/options.js';
import type { Report } from '../report/types.js';
import { noopLogger } from '../context.js';
import { guardedSink } from '../progress.js';
import { checkPolicyTimeout, evaluatePolicies } from './evaluate.js';
import { apkOptionsOf, artifactOptionsOf, imageOptionsOf } from './options.js';
import type { RunOptions, VerifyApkOptions, VerifyArtifactOptions, VerifyImageOptions } from './options.js';
import { loadPolicies } from './policies.js';

/**
 * The three verifications of the library: subject, trust material and expectations in, a Report
 * out (verdict, rule results, the Evidence it judged). A check that ran and did not hold is a
 * `fail` verdict in the Report; only "could not check" and bad options throw (VouchError: USAGE
 * and POLICY_INVALID for the caller's mistakes, the other codes for everything that kept the
 * check from running). Never a pass unless every required check ran and passed.
 */

// Each pipeline is imported on first use: a CLI run of `vouch apk` (one process per package in
// some deployments) never loads the image or artifact pipelines, nor they the apk one.

/** Verifies a container image: signatures, attestations, provenance, contents against its SBOMs. */
export function verifyImage(options: VerifyImageOptions): Promise<Report> {
  return verify(options, () => imageOptionsOf(options), async (o, ctx) => (await import('../pipeline/image.js')).collectImageEvidence(o, ctx));
}

/** Verifies an apk package (or a repository index): signature, integrity, embedded SBOM. */
export function verifyApk(options: VerifyApkOptions): Promise<Report> {
  return verify(options, () => apkOptionsOf(options), async (o, ctx) => (await import('../pipeline/apk.js')).collectApkEvidence(o, ctx));
}

/** Verifies a file (or a digest) against a Sigstore bundle and/or SLSA provenance. */
export function verifyArtifact(options: VerifyArtifactOptions): Promise<Report> {
  return verify(options, () => artifactOptionsOf(options), async (o, ctx) => (await import('../pipeline/artifact.js')).collectArtifactEvidence(o, ctx));
}

/**
 * Every usage problem (options, policies, time budget) is raised before anything is read or
 * fetched; then the evidence is collected under one deadline and judged. Whatever broke off
 * because the deadline or the caller's signal fired reports that reason, not its own abort error.
 */
async function verify<O>(run: RunOptions, optionsOf: () => O, collect: (options: O, ctx: RunContext) => Promise<Evidence>): Promise<Report> {
  const options = optionsOf();
  checkPolicyTimeout(run.policyTimeoutMs);
  const timeoutMs = run.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!(Number.isSafeInteger(timeoutMs) && timeoutMs > 0)) throw new VouchError({ code: 'USAGE', message: `timeoutMs must be a positive whole number, got ${JSON.stringify(run.timeoutMs)}` });
  const now = effectiveTimeOf(run.effectiveTime);
  const policies = await loadPolicies(run.policies ?? []);
  const deadline = commandDeadline(timeoutMs);
  const signal = run.signal === undefined ? deadline.signal : AbortSignal.any([run.signal, deadline.signal]);
  try {
    if (signal.aborted) throw abortReason(signal);
    const log = run.log ?? noopLogger;
    const progress = guardedSink(run.onProgress, (m) => log.warn(m));
    const evidence = await collect(options, { now, log, signal, ...(progress !== undefined && { progress }) });
    if (signal.aborted) throw abortReason(signal);
    return evaluatePolicies(policies, evidence, { effectiveTime: now, ...(run.policyTimeoutMs !== undefined && { timeoutMs: run.policyTimeoutMs }) });
  } catch (err) {
    if (signal.aborted && !isVouchError(err)) throw abortReason(signal);
    throw err;
  } finally {
    deadline.dispose();
  }
}

/**
 * The effective time: the caller's, or the clock's. The library's entry is, like the CLI, the one
 * place above the pure stages where the clock may be read; everything below takes this value.
 */
function effectiveTimeOf(given: Date | undefined): Date {
  if (given === undefined) return new Date();
  if (!(given instanceof Date) || Number.isNaN(given.getTime())) throw new VouchError({ code: 'USAGE', message: 'effectiveTime must be a valid Date' });
  return given;
}

/** Why the run was aborted, as a VouchError: the deadline's own, or the caller's signal (could not check). */
function abortReason(signal: AbortSignal): VouchError {
  const reason: unknown = signal.reason;
  if (isVouchError(reason)) return reason;
  return new VouchError({ code: 'ABORTED', message: 'the verification was aborted before a verdict was reached', cause: reason });
}
