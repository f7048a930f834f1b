import { isVouchError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/** The exit codes of every vouch command; docs/exit-codes.md documents them and a test checks both agree. */
export const EXIT = {
  /** The verdict is pass: every required check ran and passed. */
  PASS: 0,
  /** The verdict is fail: a check or policy rule did not hold (`policy lint`: a policy file has problems). */
  FAIL: 1,
  /** Usage error: unknown flag, bad argument, an invalid policy file. */
  USAGE: 2,
  /** Could not check: unreadable or malformed input, network failure, bad trust material, internal error. */
  COULD_NOT_CHECK: 3,
} as const;

/** An invalid policy or configuration file named on the command line is a usage error, like a bad flag. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['USAGE', 'POLICY_INVALID', 'CONFIG_INVALID']);

/** Maps a thrown error to an exit code. Anything that is not a usage error could not be checked: 3. */
export function exitCodeFor(err: unknown): number {
  if (isVouchError(err) && USAGE_CODES.has(err.code)) return EXIT.USAGE;
  return EXIT.COULD_NOT_CHECK;
}
