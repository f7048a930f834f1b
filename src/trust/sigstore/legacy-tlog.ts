/**
 * A hook for log-entry kinds @sigstore/verify (3.1.1 and 4.1.3) does not know, so that callers can still let
 * it do everything else. The case that needs it: cosign attestations logged before 2023 as Rekor
 * `intoto` v0.0.1 entries (the library accepts only intoto v0.0.2 and rejects the entry with
 * "unsupported intoto version"). A caller registers a body check for "intoto/0.0.1"; verifyBundle
 * then
 *   1. verifies the entry's SET (signed entry timestamp) here, over the same canonical payload
 *      Rekor signs, with @sigstore/core's crypto and the log keys of the trusted root;
 *   2. calls the registered check, which must show that the logged body describes exactly this
 *      envelope and signature (for intoto v0.0.1: the envelope hash and payload hash in the body
 *      match the bundle's envelope, and the signature and certificate in the body match);
 *   3. hands the entity to @sigstore/verify without that entry (so it does not reject the kind)
 *      while keeping the entry's integrated time, which the SET just proved, as a timestamp for
 *      the certificate checks.
 * Legacy cosign `.sig` signatures need no hook: they carry a SET over a hashedrekord entry, and
 * converting them into a v0.1 bundle (SET only, no inclusion proof) is enough.
 */
import type { TransparencyLogEntry } from '@sigstore/bundle';
import { crypto as sigstoreCrypto, json } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';
import type { Bundle } from '@sigstore/bundle';
import type { StageResult } from './types.js';
import { parseUntrustedJson } from '../../evidence/index.js';

/** Checks that a logged body (already parsed JSON) describes this bundle's signature content. */
export type LegacyBodyCheck = (body: unknown, bundle: Bundle) => StageResult;

/** Body checks by "<kind>/<version>", e.g. "intoto/0.0.1". */
export type LegacyBodyChecks = Readonly<Record<string, LegacyBodyCheck>>;

export function legacyKey(entry: TransparencyLogEntry): string {
  return `${entry.kindVersion?.kind ?? ''}/${entry.kindVersion?.version ?? ''}`;
}

/** Verifies one legacy entry: SET against a trusted log valid at the integrated time, then the body. */
export function verifyLegacyEntry(entry: TransparencyLogEntry, bundle: Bundle, check: LegacyBodyCheck, trust: TrustMaterial): StageResult {
  const promise = entry.inclusionPromise?.signedEntryTimestamp;
  if (promise === undefined || promise.length === 0) {
    return { status: 'fail', code: 'TLOG_PROOF_MISSING', message: `${legacyKey(entry)} entries are accepted only with a signed entry timestamp` };
  }
  const when = new Date(Number(entry.integratedTime) * 1000);
  const payload = Buffer.from(
    json.canonicalize({
      body: entry.canonicalizedBody.toString('base64'),
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: entry.logId?.keyId.toString('hex') ?? '',
    }),
    'utf8',
  );
  const logs = trust.tlogs.filter((t) => entry.logId !== undefined && t.logID.equals(entry.logId.keyId) && t.validFor.start <= when && when <= t.validFor.end);
  if (!logs.some((t) => sigstoreCrypto.verify(payload, t.publicKey, promise))) {
    return { status: 'fail', code: 'TLOG_PROMISE_INVALID', message: 'signed entry timestamp could not be verified against a trusted log' };
  }
  let body: unknown;
  try {
    body = parseUntrustedJson(entry.canonicalizedBody.toString('utf8'), 'transparency log entry body');
  } catch {
    return { status: 'fail', code: 'TLOG_ENTRY_MISMATCH', message: 'log entry body is not JSON' };
  }
  const kind = (body as { kind?: unknown; apiVersion?: unknown } | null);
  if (`${String(kind?.kind)}/${String(kind?.apiVersion)}` !== legacyKey(entry)) {
    return { status: 'fail', code: 'TLOG_ENTRY_MISMATCH', message: 'log entry body kind/version differs from the entry' };
  }
  return check(body, bundle);
}
