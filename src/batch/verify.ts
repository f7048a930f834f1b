import { createHash } from 'node:crypto';
import type { RunContext } from '../context.js';
import { isVouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import type { Policy } from '../policy/index.js';
import { commandDeadline } from '../pipeline/options.js';
import { openInputStream } from '../sources/local-file.js';
import type { Report } from '../report/types.js';

/** Turns a subject's Evidence into its Report: the same policies, time and budget for every subject. */
export type Judge = (evidence: Evidence) => Promise<Report>;

/**
 * The policies are loaded once per run; the policy engine is imported on first use, so that a
 * run that fails before any evidence never loads it.
 */
export function judgeWith(policies: readonly Policy[], now: Date, policyTimeoutMs: number | undefined): Judge {
  return async (evidence) => {
    const { evaluatePolicies } = await import('../policy/evaluate.js');
    return evaluatePolicies(policies, evidence, now, policyTimeoutMs === undefined ? {} : { timeoutMs: policyTimeoutMs });
  };
}

/**
 * Runs one subject under its own deadline (--timeout applies to each subject of a batch): a
 * stalled download of one package ends that subject as "could not check" (NETWORK) and lets the
 * others go on. Whatever broke off because the deadline passed reports the deadline.
 */
export async function withSubjectDeadline<T>(timeoutMs: number, ctx: RunContext, work: (ctx: RunContext) => Promise<T>): Promise<T> {
  const deadline = commandDeadline(timeoutMs);
  const signal = ctx.signal === undefined ? deadline.signal : AbortSignal.any([ctx.signal, deadline.signal]);
  try {
    return await work({ ...ctx, signal });
  } catch (err) {
    const reason: unknown = signal.aborted ? signal.reason : undefined;
    throw !isVouchError(err) && isVouchError(reason) ? reason : err;
  } finally {
    deadline.dispose();
  }
}

/** SHA-256 of a local regular file, streamed (the digest a cache lookup needs before verifying). */
export async function fileDigest(path: string, what: string, signal?: AbortSignal): Promise<string> {
  const { stream } = await openInputStream(path, { what, ...(signal !== undefined && { signal }) });
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
