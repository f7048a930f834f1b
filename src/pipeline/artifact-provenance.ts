/**
 * `vouch artifact --attestation`: SLSA provenance for a file. Each attestation file may hold
 * several entries (JSON lines); every entry is verified through the Sigstore layer and run through
 * the provenance rules (src/attestations). All of them are reported as attestations; the checks of
 * the best entry (the first that fully verifies, else the one that got furthest) decide.
 */
import type { RunContext } from '../context.js';
import { evaluateProvenance, findSubject, parseGcloudDocument, parseStatement, readAttestationFile, verifyGcloudDocument } from '../attestations/index.js';
import type { AttestationEntry } from '../attestations/index.js';
import { assertJsonDepth } from '../evidence/index.js';
import type { AttestationEvidence, Check, ProvenanceEvidence } from '../evidence/index.js';
import { TLOG_IGNORED_WARNING } from '../trust/sigstore/index.js';
import type { SigstoreTrust } from '../trust/sigstore/index.js';
import { readInputFile } from '../sources/local-file.js';
import type { ArtifactSubject } from './artifact-subject.js';
import type { ArtifactOptions } from './options.js';
import { provenanceExpectationsEvidence, provenanceExpectationsGiven, toExpectationsInput } from './provenance-expectations.js';
import { verifyAttestationEntry } from './provenance-entry.js';
import { signerEvidence } from '../trust/sigstore/signer-evidence.js';
import type { EntryVerification } from './provenance-entry.js';

export interface ProvenanceCollection {
  readonly checks: readonly Check[];
  readonly attestations: readonly AttestationEvidence[];
  readonly provenance: readonly ProvenanceEvidence[];
  readonly warnings: readonly string[];
  readonly expectations: Readonly<Record<string, string | readonly string[] | boolean>>;
}

export const NO_PROVENANCE: ProvenanceCollection = { checks: [], attestations: [], provenance: [], warnings: [], expectations: {} };

interface Candidate {
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

export async function collectProvenanceEvidence(options: ArtifactOptions, artifact: ArtifactSubject, loadTrust: () => Promise<SigstoreTrust>, ctx: RunContext): Promise<ProvenanceCollection> {
  if (options.attestations.length === 0) {
    if (provenanceExpectationsGiven(options.provenance)) {
      // Expectations without provenance to check them against must not pass silently.
      const check: Check = { id: 'provenance.attestation', status: 'fail', code: 'PROVENANCE_MISSING', message: 'provenance expectations were given but no --attestation to check them against' };
      return { ...NO_PROVENANCE, checks: [check], expectations: provenanceExpectationsEvidence(options.provenance) };
    }
    return NO_PROVENANCE;
  }
  const trust = await loadTrust();
  const artifactDigest: Record<string, string> = { sha256: artifact.sha256, ...(artifact.sha512 !== undefined && { sha512: artifact.sha512 }) };
  const candidates: Candidate[] = [];
  const fileChecks: Check[] = [];
  for (const path of options.attestations) {
    const text = (await readInputFile(path, { what: '--attestation', maxBytes: options.limits.maxDocumentBytes, flag: '--max-document-size' })).toString('utf8');
    assertJsonDepth(text, `--attestation ${path}`);
    const entries = readAttestationFile(text);
    if (!entries.ok) {
      fileChecks.push({ id: 'provenance.attestation', status: 'fail', code: entries.code, message: `${path}: ${entries.message}` });
      continue;
    }
    for (const entry of entries.value) {
      const source = entries.value.length > 1 ? `${path}#${entry.index}` : path;
      if (entry.kind === 'gcloud') {
        candidates.push(judgeGcloud(entry.document, artifact.sha256, options, source));
        continue;
      }
      const verification = await verifyAttestationEntry(entry, trust, options, source, { artifactSha256: artifact.sha256, ctx });
      candidates.push(judgeEntry(entry, verification, artifactDigest, options, source));
    }
  }
  ctx.log.debug(`provenance: ${candidates.length} attestation(s) read`);
  const best = [...candidates].sort((a, b) => b.rank - a.rank)[0];
  // Every attestation presented must verify: a bad signature next to a good one (npm's publish
  // attestation beside its provenance, a second envelope in a JSON-lines file) is not ignored.
  const unsigned = candidates.filter((c) => c.attestations.some((a) => a.code !== 'ATTESTATION_VERIFIED') && !c.signatureHeld);
  const allSigned: Check =
    unsigned.length === 0
      ? { id: 'provenance.attestations', status: 'pass', code: 'ATTESTATIONS_SIGNED', message: `all ${candidates.length} attestation(s) carry verified signatures` }
      : { id: 'provenance.attestations', status: 'fail', code: 'ATTESTATION_SIGNATURE_INVALID', message: `${unsigned.length} attestation(s) do not verify: ${unsigned.map((c) => `${c.source} (${c.signatureCode})`).join(', ')}` };
  const warnings = options.sigstore.insecureIgnoreTlog ? [TLOG_IGNORED_WARNING] : [];
  return {
    checks: [...fileChecks, ...(best?.checks ?? []), ...(candidates.length > 0 ? [allSigned] : [])],
    attestations: candidates.flatMap((c) => c.attestations),
    provenance: candidates.flatMap((c) => (c.provenance ? [c.provenance] : [])),
    warnings,
    expectations: provenanceExpectationsEvidence(options.provenance),
  };
}

function judgeEntry(entry: Exclude<AttestationEntry, { kind: 'gcloud' }>, v: EntryVerification, artifactDigest: Record<string, string>, options: ArtifactOptions, source: string): Candidate {
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
    expected: toExpectationsInput(options.provenance, options.sigstore.expected),
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
function judgeGcloud(document: Record<string, unknown>, sha256: string, options: ArtifactOptions, source: string): Candidate {
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
  const out = verifyGcloudDocument(doc.value, sha256, toExpectationsInput(options.provenance, options.sigstore.expected), source);
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
