/**
 * The admission server's deadlines: one budget per verification and per request, with abort
 * reasons that say what ran out, and one-line texts for messages and logs.
 */
import { messageOf } from '../errors.js';
import type { Verification } from './verify.js';

/** Control characters (a newline in a crafted reason or reference) would split log lines and messages. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** A deadline whose abort reason says what ran out. */
export function budget(ms: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`verification did not finish within ${ms / 1000} s`)), ms);
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}

/** A shared verification awaited under this request's own deadline: the request never waits past it. */
export function raceDeadline(work: Promise<Verification>, signal: AbortSignal | undefined): Promise<Verification> {
  if (!signal) return work;
  const expired = (): Verification => ({ kind: 'error', code: 'NETWORK', message: reasonOf(signal) });
  if (signal.aborted) return Promise.resolve(expired());
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(expired());
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, (err: unknown) => resolve({ kind: 'error', code: 'INTERNAL', message: messageOf(err) })).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function raceResolve(work: Promise<string>, signal: AbortSignal | undefined): Promise<string> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error(reasonOf(signal)));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : 'the request deadline passed';
}
