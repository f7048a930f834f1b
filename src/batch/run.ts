import { isVouchError, messageOf } from '../errors.js';
import type { SubjectError, SubjectKind, SubjectOutcome } from './types.js';

/** A subject to verify: its name as the summary shows it, its kind, and whatever the verifier needs. */
export interface BatchSubject {
  readonly name: string;
  readonly kind: SubjectKind;
}

export interface RunBatchOptions<S extends BatchSubject> {
  /** Subjects verified at the same time (at least 1). */
  readonly jobs: number;
  /**
   * Verifies one subject. A thrown error becomes that subject's "could not check" outcome; it
   * never stops the others.
   */
  readonly verify: (subject: S) => Promise<SubjectOutcome>;
  /** Receives each outcome, in the order of `subjects`; the next is not handed over before it resolves. */
  readonly emit: (outcome: SubjectOutcome) => void | Promise<void>;
}

/**
 * Runs `verify` over the subjects with at most `jobs` at once and hands the outcomes to `emit` in
 * input order, so that output is deterministic whatever finishes first. Memory stays bounded: a
 * subject is not started while the one `window` places before it is still unreported, so at most
 * `window` outcomes wait for a slow predecessor, whatever the number of subjects.
 */
export async function runBatch<S extends BatchSubject>(subjects: readonly S[], options: RunBatchOptions<S>): Promise<void> {
  const jobs = Math.max(1, Math.floor(options.jobs));
  const window = Math.max(jobs * 4, 16);
  const waiting = new Map<number, SubjectOutcome>();
  let nextToStart = 0;
  let nextToEmit = 0;
  let broken: { error: unknown } | undefined;
  let wakers: (() => void)[] = [];
  const wake = (): void => {
    const list = wakers;
    wakers = [];
    for (const w of list) w();
  };
  let emitting: Promise<void> = Promise.resolve();

  const drain = async (): Promise<void> => {
    for (let next = waiting.get(nextToEmit); next !== undefined && !broken; next = waiting.get(nextToEmit)) {
      waiting.delete(nextToEmit);
      nextToEmit++;
      try {
        await options.emit(next);
      } catch (error) {
        // Output that cannot be written (a closed pipe, a full disk) ends the run: a batch must
        // not go on verifying subjects whose results nobody can see.
        broken = { error };
      }
      wake();
    }
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      while (!broken && nextToStart < subjects.length && nextToStart >= nextToEmit + window) await new Promise<void>((resolve) => wakers.push(resolve));
      if (broken || nextToStart >= subjects.length) return;
      const index = nextToStart++;
      const subject = subjects[index] as S;
      const outcome = await options.verify(subject).catch((err: unknown) => errorOutcome(subject, err));
      waiting.set(index, outcome);
      emitting = emitting.then(drain);
      await emitting;
    }
  };

  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, subjects.length)) }, worker));
  await emitting;
  if (broken) throw broken.error;
}

/** The error part of a line: a VouchError as it is; anything else is an internal error (exit 3 either way). */
export function subjectError(err: unknown): SubjectError {
  if (isVouchError(err)) return { code: err.code, message: err.message, hints: [...err.hints], details: { ...(err.details ?? {}) } };
  return { code: 'INTERNAL', message: `internal error: ${messageOf(err)}`, hints: ['please report this as a bug'], details: {} };
}

export function errorOutcome(subject: BatchSubject, err: unknown): SubjectOutcome {
  return { kind: 'error', subject: subject.name, subjectKind: subject.kind, error: subjectError(err) };
}
