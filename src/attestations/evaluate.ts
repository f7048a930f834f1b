import type { Check, ProvenanceEvidence, Signer } from '../evidence/index.js';
import type { ExpectedSigner } from '../trust/sigstore/types.js';
import { checkBuilderIdentity, checkExpectedBuilder } from './builder.js';
import { checkSourceConsistency, checkSourceExpectations } from './expectations.js';
import type { SourceExpectations } from './expectations.js';
import { readProvenance } from './provenance/index.js';
import type { ProvenanceView } from './provenance/index.js';
import { findSubject } from './statement.js';
import type { Statement } from './statement.js';

export interface ProvenanceExpectationsInput extends SourceExpectations {
  readonly builderId?: string;
  /** The signer the user named (--certificate-identity and friends); trusts that builder without --builder-id. */
  readonly namedSigner?: ExpectedSigner;
  /**
   * No default trusted builders: the provenance counts only for the builder named by --builder-id.
   * Set for npm's attestation documents, as slsa-verifier verify-npm-package requires --builder-id:
   * an npm package says nothing of which builder its publisher meant to use.
   */
  readonly builderIdRequired?: boolean;
}

export interface ProvenanceOutcome {
  /** One check per rule of docs/provenance.md, ids under "provenance.". */
  readonly checks: readonly Check[];
  /** Present when the predicate is SLSA provenance vouch reads. */
  readonly evidence?: ProvenanceEvidence;
}

/**
 * Runs every provenance rule over one statement whose envelope signature the caller has already
 * verified (or not: `signatureVerified` false makes the result unverified whatever else holds).
 * Subject match, builder identity proven by the signer, source consistency, then each expectation.
 */
export function evaluateProvenance(input: {
  readonly statement: Statement;
  readonly artifactDigest: Readonly<Record<string, string>>;
  readonly signer: Signer;
  readonly signatureVerified: boolean;
  readonly expected: ProvenanceExpectationsInput;
  readonly source: string;
  readonly logIndex?: string;
}): ProvenanceOutcome {
  const { statement, signer } = input;
  const read = readProvenance(statement);
  if (read.kind !== 'provenance') {
    const check: Check =
      read.kind === 'malformed'
        ? { id: 'provenance.predicate', status: 'fail', code: 'PROVENANCE_MALFORMED', message: read.message }
        : { id: 'provenance.predicate', status: 'fail', code: 'PREDICATE_TYPE_UNKNOWN', message: `predicate type ${read.predicateType} is not SLSA provenance v0.2 or v1`, found: read.predicateType };
    return { checks: [check] };
  }
  const view = read.view;
  const subject = findSubject(statement, input.artifactDigest);
  const checks: Check[] = [
    { id: 'provenance.predicate', status: 'pass', code: 'PROVENANCE_READ', message: `SLSA v${view.slsaVersion} provenance, build type ${view.buildType}` },
    subject
      ? { id: 'provenance.subject', status: 'pass', code: 'SUBJECT_MATCHED', message: `the artifact is subject ${subject.name ?? '(unnamed)'}` }
      : {
          id: 'provenance.subject',
          status: 'fail',
          code: 'SUBJECT_DIGEST_MISMATCH',
          message: 'the provenance is for another artifact',
          expected: Object.entries(input.artifactDigest).map(([a, h]) => `${a}:${h}`).join(', '),
          found: statement.subjects.map((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`).join(' ')).join(', '),
        },
    // A certificate whose signature did not verify proves nothing: its identity is not a builder.
    input.signatureVerified
      ? checkBuilderIdentity(view, signer)
      : { id: 'provenance.builder', status: 'fail', code: 'BUILDER_UNPROVEN', message: `nothing proves builder ${view.builderId}: the signature did not verify` },
    checkExpectedBuilder(view, input.expected.builderId, signer, input.expected.namedSigner, input.expected.builderIdRequired === true),
  ];
  const consistency = checkSourceConsistency(view, signer);
  checks.push(consistency.check, ...checkSourceExpectations(view, consistency.source, input.expected));
  const verified = input.signatureVerified && checks.every((c) => c.status !== 'fail');
  return { checks, evidence: toProvenanceEvidence(view, consistency.source, { ...input, verified }) };
}

function toProvenanceEvidence(
  view: ProvenanceView,
  source: { repo?: string; ref?: string },
  ctx: { signer: Signer; verified: boolean; source: string; logIndex?: string },
): ProvenanceEvidence {
  const digest = view.sources.find((s) => s.digest)?.digest;
  return {
    verified: ctx.verified,
    slsaVersion: view.slsaVersion,
    builderId: view.builderId,
    buildType: view.buildType,
    source: { ...(source.repo ? { uri: source.repo } : {}), ...(digest ? { digest } : {}), ...(source.ref ? { ref: source.ref } : {}) },
    workflowInputs: view.workflowInputs,
    ...(view.invocationId ? { invocationId: view.invocationId } : {}),
    materials: view.materials,
    subjects: view.subjects,
    ...(ctx.signer.identity ? { identity: ctx.signer.identity } : {}),
    ...(ctx.signer.issuer ? { issuer: ctx.signer.issuer } : {}),
    ...(ctx.logIndex ? { logIndex: ctx.logIndex } : {}),
    attestation: ctx.source,
  };
}
