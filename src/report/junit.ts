import type { Report, RuleResult } from './types.js';

/**
 * JUnit XML for CI dashboards: one testsuite per policy, one testcase per rule. A failed
 * error-severity rule is a <failure>; a waived or not-applicable rule is <skipped> with the
 * reason; a failed warning-severity rule passes (the verdict does not fail on it) and says so in
 * <system-out>. Failed checks are listed in the failure body so that the dashboard shows why.
 */
export function renderJunit(report: Report): string {
  const byPolicy = new Map<string, RuleResult[]>();
  for (const r of report.results) byPolicy.set(r.policy, [...(byPolicy.get(r.policy) ?? []), r]);
  const failures = report.results.filter(isFailure).length;
  const skipped = report.results.filter((r) => r.status === 'waived' || r.status === 'not-applicable').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vouch" tests="${report.results.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
  ];
  for (const policy of report.policies) {
    const results = byPolicy.get(policy.name) ?? [];
    lines.push(
      `  <testsuite name="${attr(policy.name)}" tests="${results.length}" failures="${results.filter(isFailure).length}" errors="0" skipped="${results.filter((r) => r.status === 'waived' || r.status === 'not-applicable').length}" timestamp="${attr(report.effectiveTime.replace(/\.\d+Z$/, ''))}">`,
      '    <properties>',
      ...[
        ['subject', `${report.subject.kind} ${report.subject.reference}`],
        ['digest', report.subject.digest],
        ['policy.source', policy.source],
        ['policy.digest', policy.digest],
        ['verdict', report.verdict],
      ].map(([k, v]) => `      <property name="${attr(k ?? '')}" value="${attr(v ?? '')}"/>`),
      '    </properties>',
    );
    for (const r of results) lines.push(...testcase(r, report));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function isFailure(r: RuleResult): boolean {
  return r.status === 'fail' && r.severity === 'error';
}

function testcase(r: RuleResult, report: Report): string[] {
  const open = `    <testcase classname="vouch.${attr(r.policy)}" name="${attr(r.rule)}">`;
  switch (r.status) {
    case 'pass':
      return [`    <testcase classname="vouch.${attr(r.policy)}" name="${attr(r.rule)}"/>`];
    case 'not-applicable':
      return [open, '      <skipped message="not applicable: the rule\'s guard excluded this subject"/>', '    </testcase>'];
    case 'waived':
      return [open, `      <skipped message="${attr(`waived by ${r.waiver?.owner ?? '?'} until ${r.waiver?.expires ?? '?'}: ${r.waiver?.reason ?? ''}`)}"/>`, '    </testcase>'];
    case 'fail': {
      const failed = report.evidence.checks.filter((c) => c.status === 'fail');
      const body = [
        `demanded: ${r.expression}`,
        ...(r.match ? [`applies when: ${r.match}`] : []),
        ...(r.reason ? [r.reason] : []),
        ...failed.map((c) => `check ${c.id} ${c.code}: ${c.message}${c.expected ? `; expected ${c.expected}` : ''}${c.found ? `; found ${c.found}` : ''}`),
      ].join('\n');
      if (r.severity === 'warning') return [open, `      <system-out>${text(`warning: ${r.message}\n${body}`)}</system-out>`, '    </testcase>'];
      return [open, `      <failure message="${attr(r.message)}" type="${attr(r.severity)}">${text(body)}</failure>`, '    </testcase>'];
    }
  }
}

/** XML 1.0 cannot carry most control characters or lone surrogates, even escaped: replace them. */
function clean(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** XML escaping for other JUnit writers (the batch writer wraps many subjects' suites). */
export { attr as xmlAttribute, text as xmlText };
