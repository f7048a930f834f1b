/**
 * verifiedLevels: what a VSA claims was verified. SLSA levels only as far as the verified
 * provenance proves them; vouch's own levels (never starting with SLSA_, which the spec reserves)
 * for the other checks it made. A failed verification claims nothing but FAILED.
 */
import type { Evidence } from '../evidence/index.js';

/**
 * Builders whose provenance is generated and signed outside the user's control in an isolated
 * build (SLSA Build L3, as their projects document); verified provenance from any other trusted
 * builder proves L2 (signed by the build platform), not more.
 */
const BUILD_L3_BUILDERS: readonly RegExp[] = [
  /^https:\/\/github\.com\/slsa-framework\/slsa-github-generator\/\.github\/workflows\/(generator_generic_slsa3|generator_container_slsa3|builder_go_slsa3|builder_nodejs_slsa3)\.yml(@.*)?$/,
];

export const VOUCH_LEVELS = {
  signature: 'VOUCH_SIGNATURE_VERIFIED',
  provenance: 'VOUCH_PROVENANCE_VERIFIED',
  sbom: 'VOUCH_SBOM_RECONCILED',
} as const;

export function verifiedLevels(evidence: Evidence, passed: boolean): string[] {
  if (!passed) return ['FAILED'];
  const levels: string[] = [];
  const provenance = evidence.provenance.filter((p) => p.verified);
  const provenanceChecksHeld = !evidence.checks.some((c) => /(^|\.)provenance(\.|$)/.test(c.id) && c.status === 'fail');
  if (provenance.length > 0 && provenanceChecksHeld) {
    const l3 = provenance.some((p) => BUILD_L3_BUILDERS.some((re) => re.test(p.builderId)));
    levels.push(l3 ? 'SLSA_BUILD_LEVEL_3' : 'SLSA_BUILD_LEVEL_2');
    levels.push(VOUCH_LEVELS.provenance);
  }
  if (evidence.signatures.some((s) => s.verified)) levels.push(VOUCH_LEVELS.signature);
  const rec = evidence.reconciliation;
  if (rec !== null && evidence.sbom?.status === 'present' && rec.findings.length === 0) levels.push(VOUCH_LEVELS.sbom);
  return levels.sort();
}

/**
 * slsa-verifier's rule for required levels: a level of a SLSA track is reached by the same or a
 * higher level of that track (SLSA_BUILD_LEVEL_2 by SLSA_BUILD_LEVEL_3); any other level only by
 * itself.
 */
export function levelReached(required: string, verified: readonly string[]): boolean {
  const track = /^(SLSA_[A-Z]+_LEVEL_)(\d+)$/.exec(required);
  if (!track) return verified.includes(required);
  return verified.some((v) => {
    const m = /^(SLSA_[A-Z]+_LEVEL_)(\d+)$/.exec(v);
    return m !== null && m[1] === track[1] && Number(m[2]) >= Number(track[2]);
  });
}
