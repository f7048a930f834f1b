/**
 * The one error type of vouch. An error means "could not check": the input could not be read, the
 * network failed, the trust material is unusable, or the input is not in a format vouch knows.
 * A check that ran and did not hold is *not* an error: it is a failed Check in the Evidence.
 *
 * Codes are part of the public contract (they appear in `--json` output and in docs/exit-codes.md):
 * never rename one.
 */
export const ERROR_CODES = [
  // usage: the command line itself is wrong (exit 2); so is an invalid policy file it names
  // (POLICY_INVALID, below), see src/cli/exit-codes.ts
  'USAGE',
  // could not check (exit 3), except POLICY_INVALID
  'INPUT_UNREADABLE',
  'INPUT_MALFORMED',
  'UNSUPPORTED_FORMAT',
  'LIMIT_EXCEEDED',
  'NOT_FOUND',
  'NETWORK',
  'UNAUTHORIZED',
  'DIGEST_MISMATCH',
  'TRUST_MATERIAL_INVALID',
  'POLICY_INVALID',
  'EVIDENCE_INVALID',
  'NOT_IMPLEMENTED',
  'INTERNAL',
  // an image layer's tar could be read differently by different tar readers (or not at all)
  'LAYER_INVALID',
  // the library's caller aborted the verification (its AbortSignal) before a verdict was reached
  'ABORTED',
  // a policy judges the image contents, which --contents never (and the admission server) does not read
  'CONTENTS_REQUIRED',
  // the admission server's configuration file is not valid (exit 2, like POLICY_INVALID)
  'CONFIG_INVALID',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface VouchErrorOptions {
  readonly code: ErrorCode;
  readonly message: string;
  readonly cause?: unknown;
  /** JSON-safe details shown with `--format json` (never secrets, never full auth URLs). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Suggested next steps for the user, one sentence each. */
  readonly hints?: readonly string[];
}

export class VouchError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly hints: readonly string[];

  constructor(opts: VouchErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VouchError';
    this.code = opts.code;
    this.details = opts.details;
    this.hints = opts.hints ?? [];
  }
}

export function isVouchError(err: unknown): err is VouchError {
  return err instanceof VouchError;
}

/** Throws a VouchError; typed `never` so that callers can use it in expressions. */
export function fail(code: ErrorCode, message: string, extra: Omit<VouchErrorOptions, 'code' | 'message'> = {}): never {
  throw new VouchError({ code, message, ...extra });
}

/** Marks a branch the type system proves unreachable; reaching it at run time is a bug. */
export function assertNever(value: never, what = 'value'): never {
  throw new VouchError({ code: 'INTERNAL', message: `unexpected ${what}: ${JSON.stringify(value)}` });
}

/** A short message for any thrown value, for wrapping with context. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Starts work whose failure is reported only when its result is asked for, or never: without a
 * handler attached now, node treats a rejection nobody awaited yet as unhandled and ends the
 * process. Awaiting the returned promise still throws the error. For reads started early so that
 * they overlap, whose errors must still come in the order the checks need them.
 */
export function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
