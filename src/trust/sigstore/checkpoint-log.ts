/**
 * Which log signed a checkpoint: decided by key, never by name.
 *
 * A checkpoint is a signed note: the note text (origin, tree size, root hash) is signed, and each
 * signature line `— <name> <base64(keyHint || signature)>` names its signer. The name is not
 * covered by any signature, and logs do not agree on it: Rekor v2 and the public-good Rekor v1 use
 * their host name, while a private Rekor v1 deployment writes its origin, often a pod name such as
 * `rekor-00001-deployment-…` that has nothing to do with its URL. @sigstore/verify 4 accepts a
 * signature line only when the log's base URL contains the line's name, so such checkpoints failed
 * with "invalid checkpoint signature" although the signature is valid.
 *
 * vouch therefore binds a checkpoint to a log the way the key hint says (as sigstore-go does):
 *   1. the entry's `logId` must be a log of the trusted root (TLOG_UNKNOWN_LOG otherwise);
 *   2. at least one signature line must carry that log's key hint, the first four bytes of its
 *      log ID, i.e. of the SHA-256 of its public key (TLOG_CHECKPOINT_WRONG_LOG otherwise: the
 *      checkpoint belongs to another log);
 *   3. @sigstore/verify gets a copy of the checkpoint holding only those lines, each renamed to the
 *      log's base URL so that its name comparison holds. It then verifies the signature over the
 *      unchanged note with the key of the log the entry names (it filters the trusted logs by the
 *      entry's log ID) and the Merkle path to the signed root.
 * A checkpoint signed by another log's key never counts: its lines are dropped in step 3, and even
 * a colliding four-byte hint is verified with this log's key only. Lines of witnesses (other keys)
 * are dropped as well; vouch does not count cosignatures.
 */
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { SignedEntity, TrustMaterial } from '@sigstore/verify';
import { stageFail } from './verify-errors.js';
import type { StageFailure } from './verify-errors.js';

const NOTE_END = '\n\n';

/**
 * A log signs its checkpoint once (twice while rotating keys); each line with its key hint costs a
 * signature verification, so a checkpoint with more is refused instead of verified line by line.
 */
export const MAX_CHECKPOINT_LOG_SIGNATURES = 8;
const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/;

interface SignatureLine {
  readonly name: string;
  readonly hint: Buffer;
  /** Key hint and signature, base64, as written. */
  readonly value: string;
}

/**
 * The entity with every checkpoint bound to its log by key. An entry that cannot be bound keeps
 * its note but loses every signature line, so @sigstore/verify refuses it too (without spending a
 * signature verification on any of its lines), and its reason is returned as `failure`, for the
 * caller to report once the checks that come first (timestamps, certificate) have had their say.
 */
export function bindCheckpointsToLogs(entity: SignedEntity, trust: TrustMaterial): { readonly entity: SignedEntity; readonly failure?: StageFailure } {
  let failure: StageFailure | undefined;
  const tlogEntries = entity.tlogEntries.map((entry) => {
    const bound = bindEntry(entry, trust);
    if (!('stage' in bound)) return bound;
    failure ??= bound;
    return unsigned(entry);
  });
  return { entity: { ...entity, tlogEntries }, ...(failure && { failure }) };
}

function bindEntry(entry: TransparencyLogEntry, trust: TrustMaterial): TransparencyLogEntry | StageFailure {
  const proof = entry.inclusionProof;
  const envelope = proof?.checkpoint?.envelope;
  if (proof === undefined || envelope === undefined) return entry;
  const log = trust.tlogs.find((t) => entry.logId !== undefined && t.logID.equals(entry.logId.keyId));
  // @sigstore/verify never reads the logId of an entry without a SET (Rekor v2) when it has no
  // checkpoint to bind it to, and a logId of no trusted log is not evidence of anything.
  if (log === undefined) {
    return stageFail('tlog', 'TLOG_UNKNOWN_LOG', `the log entry names log ${entry.logId?.keyId.toString('hex') ?? '(none)'}, which the trusted root does not list`);
  }
  const end = envelope.indexOf(NOTE_END);
  // No signature section: left to @sigstore/verify, which refuses it ("missing checkpoint separator").
  if (end < 0) return entry;
  const lines = signatureLines(envelope.slice(end + NOTE_END.length));
  const hint = log.logID.subarray(0, 4);
  const own = lines.filter((l) => l.hint.equals(hint));
  if (own.length === 0) {
    return stageFail('tlog', 'TLOG_CHECKPOINT_WRONG_LOG', `the checkpoint carries no signature by the key of log ${log.baseURL}: it belongs to another log`, {
      expected: `key hint ${hint.toString('hex')} (${log.baseURL})`,
      found: lines.length === 0 ? 'no signature lines' : lines.map((l) => `key hint ${l.hint.toString('hex')} (${l.name})`).join(', '),
    });
  }
  if (own.length > MAX_CHECKPOINT_LOG_SIGNATURES) {
    return stageFail('tlog', 'TLOG_INCLUSION_PROOF_INVALID', `the checkpoint carries ${own.length} signatures with the key hint of log ${log.baseURL}, more than ${MAX_CHECKPOINT_LOG_SIGNATURES}`);
  }
  const renamed = own.map((l) => `\u2014 ${log.baseURL} ${l.value}\n`).join('');
  return { ...entry, inclusionProof: { ...proof, checkpoint: { envelope: envelope.slice(0, end + NOTE_END.length) + renamed } } };
}

function unsigned(entry: TransparencyLogEntry): TransparencyLogEntry {
  const proof = entry.inclusionProof;
  const envelope = proof?.checkpoint?.envelope;
  if (proof === undefined || envelope === undefined) return entry;
  const end = envelope.indexOf(NOTE_END);
  return { ...entry, inclusionProof: { ...proof, checkpoint: { envelope: end < 0 ? '' : envelope.slice(0, end + NOTE_END.length) } } };
}

function signatureLines(text: string): SignatureLine[] {
  return text.split('\n').flatMap((line) => {
    const m = SIGNATURE_LINE.exec(line);
    if (!m?.[1] || !m[2]) return [];
    const bytes = Buffer.from(m[2], 'base64');
    return bytes.length < 5 ? [] : [{ name: m[1], hint: bytes.subarray(0, 4), value: m[2] }];
  });
}
