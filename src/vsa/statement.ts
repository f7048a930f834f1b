/**
 * The VSA statement for one verification: its subject is the digest that was verified, its
 * predicate fills every field of the VSA v1 spec that vouch can state truthfully (see
 * docs/vsa.md for each field).
 */
import type { Evidence } from '../evidence/index.js';
import { policiesDigest } from '../policy/index.js';
import type { Report } from '../report/types.js';
import { verifiedLevels } from './levels.js';
import { IN_TOTO_STATEMENT_V1, VOUCH_VERIFIER_ID, VSA_PREDICATE_TYPE } from './types.js';
import type { ResourceDescriptor, VsaStatement } from './types.js';

/** A digest `alg:hex` as an in-toto digest set. */
export function digestSet(digest: string): Record<string, string> {
  const colon = digest.indexOf(':');
  return colon > 0 ? { [digest.slice(0, colon)]: digest.slice(colon + 1) } : { sha256: digest };
}

/** The policies as a VSA names them: a URI listing them by name, and the canonical digest. */
export function policyField(policies: Report['policies']): { uri: string; digest: Record<string, string> } {
  const names = [...new Set(policies.map((p) => p.name))].sort();
  return { uri: `https://vouch.dev/policies/${names.map(encodeURIComponent).join('+')}`, digest: digestSet(policiesDigest(policies)) };
}

/** The subject as the user gave it, pinned to the digest that was verified. */
export function resourceUri(subject: Report['subject']): string {
  return subject.reference.includes(subject.digest) ? subject.reference : `${subject.reference}@${subject.digest}`;
}

export function vsaStatement(report: Report): VsaStatement {
  const { evidence } = report;
  const passed = report.verdict === 'pass';
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: evidence.subject.name ?? evidence.subject.reference, digest: digestSet(evidence.subject.digest) }],
    predicateType: VSA_PREDICATE_TYPE,
    predicate: {
      verifier: { id: VOUCH_VERIFIER_ID, version: { vouch: evidence.tool.version } },
      timeVerified: report.effectiveTime,
      resourceUri: resourceUri(report.subject),
      policy: policyField(report.policies),
      inputAttestations: inputAttestations(evidence),
      verificationResult: passed ? 'PASSED' : 'FAILED',
      verifiedLevels: verifiedLevels(evidence, passed),
      slsaVersion: '1.0',
    },
  };
}

/**
 * Every signature and attestation the verification relied on (verified) whose bytes it can name
 * by digest, sorted; the URI says where it was found. Unverified ones were read but proved nothing.
 */
function inputAttestations(evidence: Evidence): ResourceDescriptor[] {
  const out = new Map<string, ResourceDescriptor>();
  for (const s of [...evidence.signatures, ...evidence.attestations]) {
    if (s.digest === undefined || !s.verified) continue;
    out.set(`${s.source}\n${s.digest}`, { uri: s.source, digest: digestSet(s.digest) });
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}
