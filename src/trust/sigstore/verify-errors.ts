/**
 * Maps @sigstore/verify's errors onto vouch's stable codes and the stage they belong to. Any
 * other exception raised while verifying hostile input (a TypeError deep in a parser, an OpenSSL
 * decode error) is a failed signature check, never a crash and never a pass.
 */
import { messageOf } from '../../errors.js';
import type { StageResult } from './types.js';

export type Stage = 'signature' | 'identity' | 'tlog';

const BY_LIBRARY_CODE: Readonly<Record<string, readonly [Stage, string]>> = {
  TLOG_INCLUSION_PROOF_ERROR: ['tlog', 'TLOG_INCLUSION_PROOF_INVALID'],
  TLOG_INCLUSION_PROMISE_ERROR: ['tlog', 'TLOG_PROMISE_INVALID'],
  TLOG_MISSING_INCLUSION_ERROR: ['tlog', 'TLOG_PROOF_MISSING'],
  TLOG_BODY_ERROR: ['tlog', 'TLOG_ENTRY_MISMATCH'],
  TLOG_ERROR: ['tlog', 'TLOG_ENTRY_MISSING'],
  CERTIFICATE_ERROR: ['signature', 'CERTIFICATE_UNTRUSTED'],
  PUBLIC_KEY_ERROR: ['signature', 'KEY_UNTRUSTED'],
  SIGNATURE_ERROR: ['signature', 'SIGNATURE_INVALID'],
  TIMESTAMP_ERROR: ['signature', 'TIMESTAMP_INVALID'],
  NOT_IMPLEMENTED_ERROR: ['signature', 'SIGNATURE_UNSUPPORTED'],
  UNTRUSTED_SIGNER_ERROR: ['identity', 'SIGNER_IDENTITY_MISMATCH'],
};

export interface StageFailure {
  readonly stage: Stage;
  readonly result: StageResult;
}

export function failureFromError(err: unknown): StageFailure {
  const code = (err as { code?: unknown } | null)?.code;
  const mapped = typeof code === 'string' ? BY_LIBRARY_CODE[code] : undefined;
  const cause = (err as { cause?: unknown } | null)?.cause;
  const message = cause === undefined ? messageOf(err) : `${messageOf(err)}: ${messageOf(cause)}`;
  if (mapped === undefined) {
    return { stage: 'signature', result: { status: 'fail', code: 'SIGNATURE_VERIFICATION_ERROR', message: `verification failed: ${message}` } };
  }
  return { stage: mapped[0], result: { status: 'fail', code: mapped[1], message } };
}

export function stageFail(stage: Stage, code: string, message: string, extra: { expected?: string; found?: string } = {}): StageFailure {
  return { stage, result: { status: 'fail', code, message, ...extra } };
}
