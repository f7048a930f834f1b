/**
 * The report of an admission decided by a VSA: it passes, with the VSA as its evidence. Each
 * policy gets one result saying that the VSA attests it passed (the VSA's policy digest equals
 * the digest of exactly these policies: checkVsa made sure); no rule was evaluated here, and the
 * report says so rather than listing rule results it did not compute.
 */
import type { Evidence, Subject, VsaEvidence } from '../evidence/index.js';
import { assembleEvidence } from '../evidence/index.js';
import { REPORT_SCHEMA_VERSION } from '../report/types.js';
import type { Report } from '../report/types.js';
import type { Policy } from '../policy/index.js';

export function vsaAdmissionReport(subject: Subject, vsa: VsaEvidence, policies: readonly Policy[], now: Date, toolVersion: string): Report {
  const evidence: Evidence = assembleEvidence({
    toolVersion,
    collectedAt: now.toISOString(),
    subject,
    checks: [
      { id: 'image.manifest', status: 'pass', code: 'MANIFEST_VERIFIED', message: `manifest ${subject.digest} matches its digest` },
      { id: 'vsa.admission', status: 'pass', code: 'VSA_USED', message: vsa.reason, ...(vsa.source !== undefined && { details: { source: vsa.source } }) },
    ],
    signatures: [],
    attestations: [],
    provenance: [],
    sbom: null,
    inventory: null,
    reconciliation: null,
    expectations: { vsa: true },
    warnings: [],
    vsa,
  });
  const results = policies.map((p) => ({
    policy: p.name,
    rule: 'verification-summary',
    severity: 'error' as const,
    status: 'pass' as const,
    message: `passed by the verification summary ${vsa.digest ?? ''} (${vsa.verifier ?? 'unknown verifier'}, ${vsa.timeVerified ?? 'unknown time'})`,
    expression: 'vsa.used',
  }));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    verdict: 'pass',
    subject,
    effectiveTime: now.toISOString(),
    policies: policies.map((p) => ({ name: p.name, source: p.source, digest: p.digest })),
    results: results.sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0)),
    summary: { rules: results.length, passed: results.length, failed: 0, warnings: 0, waived: 0, notApplicable: 0 },
    notices: [`the verdict comes from a verification summary (VSA) signed with ${vsa.key ?? 'a trusted key'}; the image's signatures, provenance and contents were not verified again in this run`],
    evidence,
  };
}
