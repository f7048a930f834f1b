/**
 * checkVsa: may this VSA stand in for verifying the subject again? The admission decision, for
 * `vouch image --vsa-public-key` and for the admission webhook. It answers yes only when all of
 * these hold, each against a specific attack:
 *
 * - the signature verifies with a trusted key: anyone can write a VSA;
 * - the subject lists the resolved digest: a VSA for another image (or an old build of this tag);
 * - the result is PASSED: a failed run's VSA is a record, not a permit;
 * - policy.digest equals the digest of the policies this run would evaluate: a VSA for a laxer
 *   policy must never make an image pass a stricter one;
 * - the verifier id is in the trusted list: a key shared by several verifiers vouches only for
 *   the one named;
 * - timeVerified is no older than the maximum age by the effective time (and not in the future):
 *   a VSA from before a key or a package was found bad is not kept forever.
 *
 * Anything else is "not used", with the reason; the caller verifies in full. Never throws for
 * bad VSAs: they come from registries and CI jobs, so they are data.
 */
import type { VsaEvidence } from '../evidence/index.js';
import { readVsaDocument } from './document.js';
import { verifyVsaSignature } from './signature.js';
import { readVsaStatement } from './statement-read.js';
import { hasDigest } from './verify.js';
import type { TrustedVsaKey } from './types.js';

/** Clocks of CI runners and clusters differ by seconds; a VSA up to this far ahead still counts. */
export const VSA_CLOCK_SKEW_MS = 5 * 60_000;
/** --vsa-max-age default: a week. */
export const DEFAULT_VSA_MAX_AGE_MS = 168 * 3_600_000;

export interface VsaAdmission {
  readonly keys: readonly TrustedVsaKey[];
  /** The digest the subject resolved to (`sha256:…`). */
  readonly subjectDigest: string;
  /** policiesDigest() of the policies this run would evaluate. */
  readonly policiesDigest: string;
  readonly trustedVerifiers: readonly string[];
  readonly maxAgeMs: number;
  readonly now: Date;
  readonly maxDocumentBytes: number;
}

export interface VsaCandidate {
  readonly bytes: Buffer;
  readonly source: string;
}

export function checkVsa(candidate: VsaCandidate, a: VsaAdmission): VsaEvidence {
  const read = readVsaDocument(candidate.bytes, a.maxDocumentBytes);
  const base = { source: candidate.source };
  if (!read.ok) return { used: false, ...base, reason: `${read.code}: ${read.message}` };
  const doc = read.document;
  const sig = verifyVsaSignature(doc, a.keys);
  const withDigest = { ...base, digest: doc.digest };
  if (!sig.ok) return { used: false, ...withDigest, reason: `${sig.code}: ${sig.message}` };
  const st = readVsaStatement(doc.envelope.payload);
  if (!st.ok) return { used: false, ...withDigest, key: sig.key.name, reason: `${st.code}: ${st.message}` };
  const p = st.statement.predicate;
  const known = { ...withDigest, key: sig.key.name, verifier: p.verifier.id, timeVerified: p.timeVerified };
  const no = (reason: string): VsaEvidence => ({ used: false, ...known, reason });
  if (!hasDigest(st.statement, a.subjectDigest)) return no(`VSA_SUBJECT_MISMATCH: the VSA is about ${subjects(st.statement.subject)}, not ${a.subjectDigest}`);
  if (p.verificationResult !== 'PASSED') return no(`VSA_RESULT_MISMATCH: the VSA's result is ${p.verificationResult}, not PASSED`);
  const wanted = a.policiesDigest.replace(/^sha256:/, '');
  const got = p.policy.digest?.['sha256'];
  if (got !== wanted) return no(`VSA_POLICY_MISMATCH: the VSA's policy digest is ${got === undefined ? 'missing' : `sha256:${got}`}, this run's policies are ${a.policiesDigest}`);
  if (!a.trustedVerifiers.includes(p.verifier.id)) return no(`VSA_VERIFIER_UNTRUSTED: verifier ${p.verifier.id} is not one of ${a.trustedVerifiers.join(', ')}`);
  const at = parseTime(p.timeVerified);
  if (at === undefined) return no(`VSA_TIME_INVALID: timeVerified ${JSON.stringify(p.timeVerified)} is not an RFC 3339 time`);
  const age = a.now.getTime() - at;
  if (age < -VSA_CLOCK_SKEW_MS) return no(`VSA_TIME_FUTURE: the VSA was verified at ${p.timeVerified}, after the effective time ${a.now.toISOString()}`);
  if (age > a.maxAgeMs) return no(`VSA_TOO_OLD: the VSA was verified at ${p.timeVerified}, more than ${formatAge(a.maxAgeMs)} before ${a.now.toISOString()}`);
  return { used: true, ...known, reason: `VSA_USED: ${p.verifier.id} verified ${a.subjectDigest} against these policies at ${p.timeVerified} (PASSED), signed with ${sig.key.name}` };
}

/**
 * Of several candidates (a referrer and an .att layer, or VSAs of several CI runs), the first
 * usable one in the given order; when none is, the reason of the last one tried.
 */
export function chooseVsa(candidates: readonly VsaCandidate[], a: VsaAdmission): VsaEvidence {
  let last: VsaEvidence = { used: false, reason: 'VSA_NOT_FOUND: no VSA was found for this subject' };
  for (const c of candidates) {
    const r = checkVsa(c, a);
    if (r.used) return r;
    last = r;
  }
  return candidates.length > 1 ? { ...last, reason: `none of ${candidates.length} VSAs can be used; the last: ${last.reason}` } : last;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseTime(value: string): number | undefined {
  if (!RFC3339.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function subjects(list: readonly { digest: Readonly<Record<string, string>> }[]): string {
  const all = list.flatMap((s) => Object.entries(s.digest).map(([k, v]) => `${k}:${v}`));
  return all.length > 3 ? `${all.slice(0, 3).join(', ')} and ${all.length - 3} more` : all.join(', ');
}

function formatAge(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 1000)}s`;
}
