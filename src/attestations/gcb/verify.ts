import type { AttestationEvidence, Check, ProvenanceEvidence } from '../../evidence/index.js';
import { isRecord } from '../outcome.js';
import type { SourceExpectations } from '../expectations.js';
import type { GcloudDocument, GcbOccurrence } from './document.js';
import { checkGcbBuilder, checkGcbExpectedBuilder, checkGcbSourceUri, checkGcbTags, gcbTag, readClaims } from './rules.js';
import type { GcbClaims } from './rules.js';
import { ANY_GCB_KEY, verifyGcbEnvelope } from './signature.js';
import type { GcbAcceptedSigner, GcbSigned } from './signature.js';
import { compareTextStatement } from './text.js';

export interface GcbExpectations extends SourceExpectations {
  readonly builderId?: string;
}

export interface GcbOutcome {
  readonly checks: readonly Check[];
  /** One per occurrence in the document. */
  readonly attestations: readonly AttestationEvidence[];
  /** The occurrence that was verified and checked, when one's signature held. */
  readonly provenance?: ProvenanceEvidence;
  /** A signature by a GCB key held on some occurrence. */
  readonly signatureHeld: boolean;
}

/**
 * Verifies a gcloud provenance document for an image digest as slsa-verifier's GCB verifier does:
 * the first occurrence whose envelope carries a valid GCB signature is the provenance (the others
 * are reported, not required: gcloud lists every provenance GCB wrote, and slsa-verifier accepts
 * the document when one verifies); then the rules over it, each a check: subject, builder and build
 * type, the unsigned metadata and summary against the digest, the unsigned text against the signed
 * statement, and the expectations. `accepted` narrows the keys that count when the user named a
 * signer (see GcbAcceptedSigner).
 */
export function verifyGcloudDocument(doc: GcloudDocument, sha256: string, expected: GcbExpectations, source: string, accepted: GcbAcceptedSigner = ANY_GCB_KEY): GcbOutcome {
  const results = doc.provenance.map((o) => ({ occurrence: o, result: verifyGcbEnvelope(o.envelope, accepted) }));
  const chosen = results.find((r) => r.result.ok);
  const where = (o: GcbOccurrence): string => `${source}#provenance[${o.index}]`;
  if (chosen === undefined || !chosen.result.ok) {
    const reasons = results.flatMap((r) => (r.result.ok ? [] : r.result.reasons.map((x) => `provenance[${r.occurrence.index}]: ${x}`)));
    // A GCB signature that held but is not by the named signer gets its own code: the document is
    // genuine, the user's signer rule is what refused it.
    const refused = results.some((r) => !r.result.ok && r.result.refused === true);
    const code = refused ? 'GCB_SIGNER_MISMATCH' : 'GCB_SIGNATURE_INVALID';
    const by = accepted.kind === 'key' ? `the --key ${accepted.name}` : accepted.kind === 'identity' ? 'the named signer' : 'a GCB key';
    const message = `no provenance carries a valid signature by ${by}: ${reasons.slice(0, 8).join('; ')}${reasons.length > 8 ? '; …' : ''}`;
    return {
      checks: [{ id: 'provenance.signature', status: 'fail', code, message }],
      attestations: doc.provenance.map((o) => ({ predicateType: 'unknown', verified: false, interpreted: false, code, message: `no valid signature by ${by}`, source: where(o) })),
      signatureHeld: false,
    };
  }
  const { occurrence, result } = chosen;
  const signed = result.signed;
  const claims = readClaims(signed);
  const subjectOk = subjectMatches(signed, sha256);
  const checks: Check[] = [
    { id: 'provenance.signature', status: 'pass', code: 'GCB_SIGNATURE_VERIFIED', message: `provenance[${occurrence.index}] is signed by GCB key ${signed.key.name}${accepted.kind === 'key' ? `, the --key ${accepted.name}` : ''}`, details: { keyid: signed.keyid } },
    { id: 'provenance.statement', status: 'pass', code: 'STATEMENT_READ', message: `in-toto statement ${signed.statement.type}, ${signed.statement.subjects.length} subject(s)` },
    { id: 'provenance.predicate', status: 'pass', code: 'PROVENANCE_READ', message: `SLSA v${signed.slsa} provenance, build type ${claims.buildType || '(none)'}` },
    subjectOk === true
      ? { id: 'provenance.subject', status: 'pass', code: 'SUBJECT_MATCHED', message: `the image sha256:${sha256} is a subject` }
      : { id: 'provenance.subject', status: 'fail', code: 'SUBJECT_DIGEST_MISMATCH', message: subjectOk, expected: `sha256:${sha256}`, found: signed.statement.subjects.map((s) => s.digest['sha256'] ?? '(no sha256)').join(', ') },
    checkGcbBuilder(signed, claims),
    checkGcbExpectedBuilder(claims, expected.builderId),
    checkMetadata(occurrence, sha256),
    checkSummary(doc, sha256),
    checkText(occurrence, signed),
    ...checkExpectations(signed, claims, expected),
  ];
  const verified = checks.every((c) => c.status !== 'fail');
  const firstFailure = checks.find((c) => c.status === 'fail');
  const attestations: AttestationEvidence[] = results.map(({ occurrence: o, result: r }) =>
    o === occurrence
      ? {
          predicateType: signed.statement.predicateType,
          verified: subjectOk === true,
          interpreted: true,
          code: firstFailure?.code ?? 'ATTESTATION_VERIFIED',
          message: firstFailure?.message ?? `signed by GCB key ${signed.key.name} and names the image`,
          key: `gcb:${signed.key.name}`,
          signer: { key: `gcb:${signed.key.name}` },
          source: where(o),
          subjects: signed.statement.subjects,
        }
      : { predicateType: r.ok ? r.signed.statement.predicateType : 'unknown', verified: false, interpreted: false, code: 'GCB_NOT_CHOSEN', message: r.ok ? 'another provenance of the document was verified first' : `no valid signature by a GCB key: ${r.reasons.join('; ')}`, source: where(o) },
  );
  return { checks, attestations, provenance: toEvidence(signed, claims, verified, where(occurrence)), signatureHeld: true };
}

/** Every subject must carry a sha256 (slsa-verifier refuses one without), and one must be the image. */
function subjectMatches(s: GcbSigned, sha256: string): true | string {
  if (s.statement.subjects.some((x) => x.digest['sha256'] === undefined)) return 'a subject has no sha256 digest';
  return s.statement.subjects.some((x) => x.digest['sha256'] === sha256) ? true : 'the provenance is for another image';
}

/** Occurrence metadata, outside the envelope: it must describe a build of this very digest. */
function checkMetadata(o: GcbOccurrence, sha256: string): Check {
  const id = 'provenance.gcb.metadata';
  if (o.kind !== 'BUILD') return { id, status: 'fail', code: 'GCB_KIND_INVALID', message: 'the occurrence is not a BUILD', expected: 'BUILD', found: o.kind ?? '(none)' };
  const uri = o.resourceUri ?? '';
  return uri.endsWith(`@sha256:${sha256}`)
    ? { id, status: 'pass', code: 'GCB_METADATA_MATCHED', message: `occurrence for ${uri}` }
    : { id, status: 'fail', code: 'GCB_RESOURCE_DIGEST_MISMATCH', message: 'the occurrence is for another image', expected: `…@sha256:${sha256}`, found: uri || '(none)' };
}

/** image_summary: the digest gcloud resolved the image to must be the digest being verified. */
function checkSummary(doc: GcloudDocument, sha256: string): Check {
  const id = 'provenance.gcb.summary';
  const { digest, fullyQualifiedDigest } = doc.summary;
  if (digest !== `sha256:${sha256}`) return { id, status: 'fail', code: 'GCB_SUMMARY_DIGEST_MISMATCH', message: 'image_summary.digest names another image', expected: `sha256:${sha256}`, found: digest ?? '(none)' };
  if (!(fullyQualifiedDigest ?? '').endsWith(`@sha256:${sha256}`)) {
    return { id, status: 'fail', code: 'GCB_SUMMARY_DIGEST_MISMATCH', message: 'image_summary.fully_qualified_digest names another image', expected: `…@sha256:${sha256}`, found: fullyQualifiedDigest ?? '(none)' };
  }
  return { id, status: 'pass', code: 'GCB_SUMMARY_MATCHED', message: `image_summary names ${fullyQualifiedDigest}` };
}

function checkText(o: GcbOccurrence, s: GcbSigned): Check {
  const id = 'provenance.gcb.text';
  const r = compareTextStatement(s.slsa, o.build, s.raw);
  return r.ok ? { id, status: 'pass', code: 'GCB_TEXT_CONSISTENT', message: 'the readable statement is the signed one' } : { id, status: 'fail', code: 'GCB_TEXT_MISMATCH', message: r.message };
}

function checkExpectations(s: GcbSigned, c: GcbClaims, expected: GcbExpectations): Check[] {
  const checks: Check[] = [];
  checks.push(
    c.sourceUri === undefined
      ? { id: 'provenance.source', status: 'skipped', code: 'SOURCE_NOT_STATED', message: 'the provenance names no source' }
      : { id: 'provenance.source', status: 'pass', code: 'SOURCE_CONSISTENT', message: `source ${c.sourceUri}` },
  );
  if (expected.sourceUri !== undefined) checks.push(checkGcbSourceUri(c, expected.sourceUri));
  // slsa-verifier cannot verify a GCB branch; neither can vouch: asking for it fails, never passes.
  if (expected.sourceBranch !== undefined) checks.push({ id: 'provenance.expect.branch', status: 'fail', code: 'GCB_EXPECTATION_UNSUPPORTED', message: '--source-branch cannot be verified for GCB provenance' });
  checks.push(...checkGcbTags(s, expected));
  if (Object.keys(expected.workflowInputs).length > 0) {
    checks.push({ id: 'provenance.expect.workflow-inputs', status: 'fail', code: 'GCB_EXPECTATION_UNSUPPORTED', message: '--build-workflow-input does not apply to GCB provenance' });
  }
  return checks;
}

function toEvidence(s: GcbSigned, c: GcbClaims, verified: boolean, attestation: string): ProvenanceEvidence {
  const p = s.statement.predicate;
  const materials = (s.slsa === '0.1' ? p['materials'] : isRecord(p['buildDefinition']) ? p['buildDefinition']['resolvedDependencies'] : undefined) ?? [];
  const list = (Array.isArray(materials) ? materials : []).filter(isRecord).map((m) => ({
    ...(typeof m['uri'] === 'string' ? { uri: m['uri'] } : {}),
    ...(isRecord(m['digest']) ? { digest: Object.fromEntries(Object.entries(m['digest']).filter((e): e is [string, string] => typeof e[1] === 'string')) } : {}),
  }));
  const tag = gcbTag(s);
  const digest = list[0]?.digest;
  return {
    verified,
    slsaVersion: s.slsa,
    builderId: c.builderId,
    buildType: c.buildType,
    source: { ...(c.sourceUri !== undefined && { uri: c.sourceUri }), ...(digest && { digest }), ...(tag !== undefined && { ref: `refs/tags/${tag}` }) },
    materials: list,
    subjects: s.statement.subjects,
    attestation,
  };
}
