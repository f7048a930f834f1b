/**
 * SLSA provenance from an image's attestations: each attestation that carries SLSA provenance is
 * run through the provenance rules (src/attestations) against the digest it is attached to.
 * Its checks enter the Evidence only when the user gave provenance expectations; otherwise the
 * provenance is reported (verified or not) for policies to use.
 */
import { evaluateProvenance } from '../evaluate.js';
import { parseStatement } from '../statement.js';
import type { Check, ProvenanceEvidence } from '../../evidence/index.js';
import { hexOf } from '../../sources/image/digest.js';
import type { VerifiedAttachment } from '../../trust/cosign/index.js';
import type { ExpectedSigner } from '../../trust/sigstore/index.js';
import { provenanceExpectationsGiven, toExpectationsInput } from './user-expectations.js';
import type { ProvenanceExpectationValues } from './user-expectations.js';
import { parseUntrustedJson } from '../../evidence/index.js';

export interface ImageProvenance {
  readonly checks: Check[];
  readonly provenance: ProvenanceEvidence[];
  /** Sources of attestations the provenance rules understood. */
  readonly interpreted: Set<string>;
}

export function collectImageProvenance(verified: readonly VerifiedAttachment[], expected: ProvenanceExpectationValues, namedSigner: ExpectedSigner): ImageProvenance {
  const out: ImageProvenance = { checks: [], provenance: [], interpreted: new Set() };
  const wanted = provenanceExpectationsGiven(expected);
  for (const v of verified) {
    const { attachment, result } = v;
    if (!result || !v.attestation || !result.statement || result.payloadType === undefined) continue;
    if (!/^https:\/\/slsa\.dev\/provenance\//.test(result.statement.predicateType)) continue;
    const payload = dssePayload(attachment);
    if (!payload) continue;
    const statement = parseStatement(result.payloadType, payload);
    if (!statement.ok) continue;
    const outcome = evaluateProvenance({
      statement: statement.value,
      artifactDigest: { sha256: hexOf(attachment.attachedTo) },
      signer: result.signer ?? {},
      signatureVerified: result.verified,
      expected: toExpectationsInput(expected, namedSigner),
      source: attachment.source,
      ...(result.tlog[0] && { logIndex: result.tlog[0].logIndex }),
    });
    if (outcome.evidence) {
      out.provenance.push(outcome.evidence);
      out.interpreted.add(attachment.source);
    }
    if (wanted) out.checks.push(...outcome.checks.map((c) => ({ ...c, details: { ...(c.details ?? {}), attestation: attachment.source } })));
  }
  return out;
}

function dssePayload(att: VerifiedAttachment['attachment']): Buffer | undefined {
  try {
    if (att.kind === 'dsse-attestation') return Buffer.from((parseUntrustedJson(att.envelope.toString('utf8'), 'DSSE envelope') as { payload: string }).payload, 'base64');
    if (att.kind === 'sigstore-bundle') return Buffer.from((parseUntrustedJson(att.bundle.toString('utf8'), 'Sigstore bundle') as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64');
  } catch {
    return undefined;
  }
  return undefined;
}
