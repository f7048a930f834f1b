import { stableStringify } from '../evidence/index.js';
import type { Report, RuleResult } from './types.js';

/** SARIF 2.1.0 (OASIS), as GitHub code scanning and other dashboards read it. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/vouch-dev/vouch/blob/main/docs/policy.md';

/**
 * One SARIF run: every policy rule is a reportingDescriptor (id "<policy>/<rule>"), every rule
 * result a result. Failures are level error or warning by the rule's severity; a waived failure
 * carries an accepted external suppression with the waiver's owner and reason; passes and rules
 * that did not apply are kind pass / notApplicable at level none, so the run shows what was checked.
 * The subject is the one artifact, with its digest; the verdict is a run property.
 */
export function renderSarif(report: Report): string {
  const ids = report.results.map(ruleId);
  const location = { physicalLocation: { artifactLocation: { uri: subjectUri(report), index: 0 } } };
  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vouch',
            version: report.evidence.tool.version,
            informationUri: INFORMATION_URI,
            rules: report.results.map((r) => ({
              id: ruleId(r),
              name: r.rule,
              shortDescription: { text: r.message },
              fullDescription: { text: r.match ? `${r.expression} (applies when ${r.match})` : r.expression },
              defaultConfiguration: { level: r.severity === 'warning' ? 'warning' : 'error' },
              properties: { policy: r.policy },
            })),
          },
        },
        invocations: [{ executionSuccessful: true, properties: { effectiveTime: report.effectiveTime } }],
        artifacts: [artifact(report)],
        results: report.results.map((r, i) => ({
          ruleId: ids[i],
          ruleIndex: i,
          kind: kindOf(r),
          level: levelOf(r),
          message: { text: messageOf(r) },
          locations: [location],
          ...(r.waiver
            ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${r.waiver.reason} (owner ${r.waiver.owner}, until ${r.waiver.expires})` }] }
            : {}),
          properties: { status: r.status, severity: r.severity },
        })),
        properties: {
          verdict: report.verdict,
          subject: report.subject,
          policies: report.policies,
          notices: report.notices,
        },
      },
    ],
  };
  return stableStringify(sarif);
}

function ruleId(r: RuleResult): string {
  return `${r.policy}/${r.rule}`;
}

function kindOf(r: RuleResult): string {
  switch (r.status) {
    case 'pass':
      return 'pass';
    case 'not-applicable':
      return 'notApplicable';
    case 'fail':
    case 'waived':
      return 'fail';
  }
}

function levelOf(r: RuleResult): string {
  if (r.status === 'pass' || r.status === 'not-applicable') return 'none';
  return r.severity === 'warning' ? 'warning' : 'error';
}

function messageOf(r: RuleResult): string {
  const status = r.status === 'not-applicable' ? 'not applicable' : r.status;
  return [`${r.message} (${status})`, r.reason].filter(Boolean).join(': ');
}

/** A URI reference for the subject: a relative path stays a path; anything else is percent-encoded. */
function subjectUri(report: Report): string {
  // encodeURI throws on a lone surrogate, which a hostile name can carry: replace those first.
  const wellFormed = report.subject.reference.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return encodeURI(wellFormed).replace(/^([^/:]*):/, (_m, head: string) => `${head}%3A`);
}

function artifact(report: Report): Record<string, unknown> {
  const [alg, hex] = report.subject.digest.split(':');
  const hashes = alg && hex ? { [alg === 'sha256' ? 'sha-256' : alg === 'sha512' ? 'sha-512' : alg]: hex } : {};
  return {
    location: { uri: subjectUri(report) },
    hashes,
    ...(report.subject.size === undefined ? {} : { length: report.subject.size }),
    ...(report.subject.mediaType ? { mimeType: report.subject.mediaType } : {}),
  };
}
