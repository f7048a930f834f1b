/**
 * The provenance checks of one `vouch artifact --attestation` entry: a Sigstore bundle or DSSE
 * envelope whose signature verify-entry.ts checked, or a gcloud document (verified by ../gcb),
 * judged by the provenance rules into a Candidate. The caller keeps the candidate that got
 * furthest (see rank) and reports all of them.
 */
import type { AttestationEvidence, Check, ProvenanceEvidence } from '../../evidence/index.js';
import type { AttestationEntry } from '../attestation-file.js';
import { evaluateProvenance } from '../evaluate.js';
import type { ProvenanceExpectationsInput } from '../evaluate.js';
import { ANY_GCB_KEY, parseGcloudDocument, verifyGcloudDocument } from '../gcb/index.js';
import type { GcbAcceptedSigner } from '../gcb/index.js';
import { findSubject, parseStatement } from '../statement.js';
import { signerEvidence } from '../../trust/sigstore/signer-evidence.js';
import type { EntryVerification } from './verify-entry.js';

export interface Candidate {
  readonly checks: Check[];
  /** What the signature status is reported against (the entry's source). */
  readonly source: string;
  /** One per entry; a gcloud document holds several (one per provenance occurrence). */
  readonly attestations: readonly AttestationEvidence[];
  readonly provenance?: ProvenanceEvidence;
  /** How far it got: 3 verified, 2 signature and subject held, 1 signature held, 0 nothing; +0.5 for SLSA provenance. */
  readonly rank: number;
  readonly signatureHeld: boolean;
  readonly signatureCode: string;
}

export function judgeEntry(entry: Exclude<AttestationEntry, { kind: 'gcloud' }>, v: EntryVerification, artifactDigest: Record<string, string>, expected: ProvenanceExpectationsInput, source: string): Candidate {
  const signatureCheck: Check = v.verified
    ? { id: 'provenance.signature', status: 'pass', code: v.code, message: v.message }
    : { id: 'provenance.signature', status: 'fail', code: v.code, message: v.message, ...(v.expected !== undefined && { expected: v.expected }), ...(v.found !== undefined && { found: v.found }) };
  // tlog stays present (possibly empty) on provenance attestations, as before.
  const base = { source, ...signerEvidence(v), tlog: v.tlog };
  const statement = v.envelopeRead === false ? undefined : parseStatement(v.payloadType, v.payload);
  if (!statement?.ok) {
    // An envelope that could not be read has no statement: one failure (the envelope's), not two.
    const check: Check = statement
      ? { id: 'provenance.statement', status: 'fail', code: statement.code, message: statement.message }
      : { id: 'provenance.statement', status: 'skipped', code: 'NOT_REACHED', message: 'not checked: the envelope could not be read' };
    const failure = statement ?? { code: v.code, message: v.message };
    return {
      checks: [signatureCheck, check],
      source,
      attestations: [{ ...base, predicateType: 'unknown', verified: false, interpreted: false, code: failure.code, message: failure.message }],
      rank: 0,
      signatureHeld: v.verified,
      signatureCode: v.code,
    };
  }
  const outcome = evaluateProvenance({
    statement: statement.value,
    artifactDigest,
    signer: v.signer ?? {},
    signatureVerified: v.verified,
    expected: entry.kind === 'bundle' && entry.npm === true ? { ...expected, builderIdRequired: true } : expected,
    source,
    ...(v.tlog[0] !== undefined && { logIndex: v.tlog[0].logIndex }),
  });
  const statementCheck: Check = { id: 'provenance.statement', status: 'pass', code: 'STATEMENT_READ', message: `in-toto statement ${statement.value.type}, ${statement.value.subjects.length} subject(s)` };
  const checks = [signatureCheck, statementCheck, ...outcome.checks];
  const subjectHeld = findSubject(statement.value, artifactDigest) !== undefined;
  const verified = outcome.evidence?.verified === true;
  const firstFailure = checks.find((c) => c.status === 'fail');
  return {
    checks,
    source,
    attestations: [{
      ...base,
      predicateType: statement.value.predicateType,
      verified: v.verified && subjectHeld,
      interpreted: outcome.evidence !== undefined,
      code: firstFailure?.code ?? 'ATTESTATION_VERIFIED',
      message: firstFailure?.message ?? `${entry.kind === 'bundle' ? 'bundle' : 'DSSE envelope'} verified and names the artifact`,
      subjects: statement.value.subjects,
    }],
    ...(outcome.evidence && { provenance: outcome.evidence }),
    rank: (verified ? 3 : v.verified && subjectHeld ? 2 : v.verified ? 1 : 0) + (outcome.evidence ? 0.5 : 0),
    signatureHeld: v.verified,
    signatureCode: v.code,
  };
}

/**
 * A gcloud provenance document (Google Cloud Build): verified against GCB's embedded keys by
 * attestations/gcb, never through the Sigstore layer (GCB signs with Cloud KMS keys and logs nothing).
 */
export function judgeGcloud(document: Record<string, unknown>, sha256: string, expected: ProvenanceExpectationsInput, source: string, accepted: GcbAcceptedSigner = ANY_GCB_KEY): Candidate {
  const doc = parseGcloudDocument(document);
  if (!doc.ok) {
    const message = `${source}: ${doc.message}`;
    return {
      checks: [{ id: 'provenance.attestation', status: 'fail', code: doc.code, message }],
      source,
      attestations: [{ predicateType: 'unknown', verified: false, interpreted: false, code: doc.code, message, source }],
      rank: 0,
      signatureHeld: false,
      signatureCode: doc.code,
    };
  }
  const out = verifyGcloudDocument(doc.value, sha256, expected, source, accepted);
  const verified = out.provenance?.verified === true;
  const subjectHeld = out.checks.some((c) => c.id === 'provenance.subject' && c.status === 'pass');
  return {
    checks: [...out.checks],
    source,
    attestations: out.attestations,
    ...(out.provenance && { provenance: out.provenance }),
    rank: (verified ? 3 : out.signatureHeld && subjectHeld ? 2 : out.signatureHeld ? 1 : 0) + (out.provenance ? 0.5 : 0),
    signatureHeld: out.signatureHeld,
    signatureCode: out.checks[0]?.code ?? 'GCB_SIGNATURE_INVALID',
  };
}
