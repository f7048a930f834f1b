/**
 * `vouch artifact --attestation`: SLSA provenance for a file. Each attestation file may hold
 * several entries (JSON lines); every entry is verified through the Sigstore layer and run through
 * the provenance rules (src/attestations). All of them are reported as attestations; the checks of
 * the best entry (the first that fully verifies, else the one that got furthest) decide.
 */
import type { RunContext } from '../context.js';
import { gcbAcceptedSigner, readAttestationFile } from '../attestations/index.js';
import { judgeEntry, judgeGcloud } from '../attestations/provenance/judge-attestation.js';
import type { Candidate } from '../attestations/provenance/judge-attestation.js';
import { provenanceExpectationsEvidence, provenanceExpectationsGiven, toExpectationsInput } from '../attestations/provenance/user-expectations.js';
import { verifyAttestationEntry } from '../attestations/provenance/verify-entry.js';
import { assertJsonDepth } from '../evidence/index.js';
import type { AttestationEvidence, Check, ProvenanceEvidence } from '../evidence/index.js';
import { namesSigner, TLOG_IGNORED_WARNING } from '../trust/sigstore/index.js';
import type { SigstoreTrust } from '../trust/sigstore/index.js';
import { readInputFile } from '../sources/local-file.js';
import type { ArtifactSubject } from './artifact-subject.js';
import type { ArtifactOptions } from './options.js';

export interface ProvenanceCollection {
  readonly checks: readonly Check[];
  readonly attestations: readonly AttestationEvidence[];
  readonly provenance: readonly ProvenanceEvidence[];
  readonly warnings: readonly string[];
  readonly expectations: Readonly<Record<string, string | readonly string[] | boolean>>;
}

export const NO_PROVENANCE: ProvenanceCollection = { checks: [], attestations: [], provenance: [], warnings: [], expectations: {} };

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
  const artifactDigest: Record<string, string> = { ...(artifact.sha256 !== undefined && { sha256: artifact.sha256 }), ...(artifact.sha512 !== undefined && { sha512: artifact.sha512 }) };
  const expected = toExpectationsInput(options.provenance, options.sigstore.expected);
  // GCB documents are signed by GCB's KMS keys; a signer the user named narrows which of them count.
  const gcbSigner = gcbAcceptedSigner(trust.key, namesSigner(options.sigstore.expected));
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
        // Cloud Build provenance names images by sha256; a sha512-only subject cannot be one of them.
        candidates.push(artifact.sha256 === undefined ? gcloudNeedsSha256(source) : judgeGcloud(entry.document, artifact.sha256, expected, source, gcbSigner));
        continue;
      }
      const verification = await verifyAttestationEntry(entry, trust, options, source, { artifactSha256: artifact.sha256, ctx });
      candidates.push(judgeEntry(entry, verification, artifactDigest, expected, source));
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

function gcloudNeedsSha256(source: string): Candidate {
  const message = `${source}: Cloud Build provenance names its subjects by sha256; the artifact was given by its sha512 digest`;
  const code = 'SUBJECT_DIGEST_MISMATCH';
  return {
    checks: [{ id: 'provenance.subject', status: 'fail', code, message }],
    source,
    attestations: [{ predicateType: 'unknown', verified: false, interpreted: false, code, message, source }],
    rank: 0,
    signatureHeld: false,
    signatureCode: code,
  };
}
