/**
 * Checks vouch makes in addition to @sigstore/verify 4, each for a reason found on real data
 * (see docs/sigstore.md, "What differs from plain @sigstore/verify").
 */
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { SignedEntity, TrustMaterial } from '@sigstore/verify';
// Not re-exported by the package index; the package has no exports map, so the file is public.
import { getTSATimestamp } from '@sigstore/verify/dist/timestamp/index.js';
import { stageFail } from './verify-errors.js';
import type { StageFailure } from './verify-errors.js';

/** sigstore-python refuses more than this many RFC 3161 timestamps (a cheap resource bound). */
export const MAX_TSA_TIMESTAMPS = 32;

/**
 * RFC 3161 timestamps: sigstore-go and sigstore-python count the timestamps that verify and ignore
 * the ones that do not (a bundle may carry tokens from TSAs this trusted root does not list);
 * @sigstore/verify fails on the first unverifiable one. vouch follows the reference clients, which
 * is never weaker: only tokens that verify against a trusted TSA remain as evidence of time, and
 * the verifier still requires at least one verified time, a token or a Rekor v1 SET (a bundle
 * whose only times are unverifiable tokens keeps them, and fails on them). A token that verifies
 * stays, and the certificate must be valid at its time too. More than MAX_TSA_TIMESTAMPS is refused.
 */
export function keepVerifiedTimestamps(input: SignedEntity, trust: TrustMaterial): { entity: SignedEntity; ignored: number } | StageFailure {
  const entity = withoutUnsignedIntegratedTimes(input);
  const tsa = entity.timestamps.filter((t) => t.$case === 'timestamp-authority');
  if (tsa.length > MAX_TSA_TIMESTAMPS) return stageFail('signature', 'TIMESTAMP_TOO_MANY', `the bundle carries ${tsa.length} timestamps, more than ${MAX_TSA_TIMESTAMPS}`);
  // The same token twice is refused as sigstore-python and @sigstore/verify refuse it, before any
  // filtering could hide the copy (counting it twice would inflate the verified times).
  let raw: string[];
  try {
    raw = tsa.map((t) => t.timestamp.root.toDER().toString('base64'));
  } catch (err) {
    return stageFail('signature', 'BUNDLE_MATERIAL_MALFORMED', `an RFC 3161 timestamp cannot be read: ${(err as Error).message}`);
  }
  if (new Set(raw).size !== raw.length) return stageFail('signature', 'TIMESTAMP_INVALID', 'the bundle carries the same RFC 3161 timestamp more than once');
  // A signed integrated time (Rekor v1 SET, verified by @sigstore/verify's log stage) is a source
  // of time of its own: tokens beside it are filtered even when there is only one.
  const logTime = entity.timestamps.some((t) => t.$case === 'transparency-log');
  // One token and no other time: nothing to filter, and @sigstore/verify checks it anyway
  // (verifying each token here as well doubled the cost of timestamped bundles).
  if (tsa.length === 0 || (tsa.length === 1 && !logTime)) return { entity, ignored: 0 };
  const kept = entity.timestamps.filter((t) => {
    if (t.$case !== 'timestamp-authority') return true;
    try {
      getTSATimestamp(t.timestamp, entity.signature.signature, trust.timestampAuthorities);
      return true;
    } catch {
      return false;
    }
  });
  // When no time would remain, keep them all so that @sigstore/verify reports why the first one fails.
  if (kept.length === 0) return { entity, ignored: 0 };
  return { entity: { ...entity, timestamps: kept }, ignored: entity.timestamps.length - kept.length };
}

/**
 * A Rekor v1 entry's integratedTime is signed only by its SET (inclusion promise); the inclusion
 * proof covers the entry body, which does not contain the time. @sigstore/verify 3.1.1 took the
 * integratedTime of an entry with a proof but no SET as a verified signing time, so a bundle could
 * move its signing time into the certificate's validity window by editing one number (found by
 * tampering with real bundles). sigstore-go uses integrated times only with a verified SET; so does
 * vouch, and so does @sigstore/verify 4 (this filter stays so that the evidence and `signedAt`
 * never show an unsigned time, whichever library version runs). Without another timestamp a certificate-signed bundle then fails the time threshold.
 */
function withoutUnsignedIntegratedTimes(entity: SignedEntity): SignedEntity {
  const timestamps = entity.timestamps.filter((t) => t.$case !== 'transparency-log' || t.tlogEntry.inclusionPromise !== undefined);
  return timestamps.length === entity.timestamps.length ? entity : { ...entity, timestamps };
}

/**
 * An inclusion proof proves nothing without the signed checkpoint its root hash belongs to; early
 * v0.1 bundles (CPython's 2024 releases among them) carry such proofs. sigstore-python refuses
 * them ("entry must contain inclusion proof, with checkpoint") and @sigstore/verify dereferences
 * the missing checkpoint; vouch fails them here with a clear reason, whatever SET they also carry.
 */
export function requireCheckpoints(entries: readonly TransparencyLogEntry[]): StageFailure | undefined {
  const bare = entries.find((e) => e.inclusionProof !== undefined && !e.inclusionProof.checkpoint?.envelope);
  if (bare === undefined) return undefined;
  return stageFail('tlog', 'TLOG_INCLUSION_PROOF_INVALID', `the inclusion proof of log entry ${bare.logIndex} carries no signed checkpoint, so its root hash is signed by nobody`);
}

/**
 * The inclusion proof's own rootHash and treeSize must be those of the signed checkpoint.
 * @sigstore/verify computes the Merkle path up to the checkpoint's root and never reads the
 * proof's rootHash field, so a bundle could carry an unsigned, wrong root alongside a valid proof;
 * sigstore-go rejects that, and so does vouch, so that what the report shows is what was signed.
 */
export function checkProofMatchesCheckpoint(entries: readonly TransparencyLogEntry[]): StageFailure | undefined {
  for (const entry of entries) {
    const proof = entry.inclusionProof;
    if (proof?.checkpoint === undefined) continue;
    const [, size, root] = proof.checkpoint.envelope.split('\n');
    if (size !== proof.treeSize || root === undefined || !Buffer.from(root, 'base64').equals(proof.rootHash)) {
      return stageFail('tlog', 'TLOG_PROOF_CHECKPOINT_MISMATCH', 'the inclusion proof root hash or tree size differs from the signed checkpoint', {
        expected: `${size ?? '?'} ${root ?? '?'}`,
        found: `${proof.treeSize} ${proof.rootHash.toString('base64')}`,
      });
    }
  }
  return undefined;
}
