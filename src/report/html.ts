import { HTML_CSP, HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { contentSections } from './html-contents.js';
import { code, esc, facts, section, status, table } from './html-markup.js';
import { trustSections } from './html-trust.js';
import type { Report, RuleResult } from './types.js';

const RULE_WORD: Record<RuleResult['status'], string> = { pass: 'pass', fail: 'fail', waived: 'waived', 'not-applicable': 'not applicable' };

/**
 * The report as one self-contained HTML page for auditors: a verdict banner, the subject, the
 * policy rules, what was asked for, every signature and attestation, provenance, checks, SBOM
 * documents and the reconciliation. Nothing is loaded from elsewhere (inline style, a small
 * inline script to filter findings, a Content-Security-Policy that allows only those), so the
 * file can be opened offline, printed and archived as it is. Deterministic like every format.
 */
export function renderHtml(report: Report): string {
  const { subject, evidence } = report;
  const verdict = report.verdict === 'pass' ? 'PASS' : 'FAIL';
  const s = report.summary;
  const body = [
    `<header class="banner ${report.verdict}"><h1>vouch: ${verdict}</h1><p>${esc(subject.kind)} ${esc(subject.reference)}</p>`
      + `<p>${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings, ${s.waived} waived, ${s.notApplicable} not applicable</p></header>`,
    '<main>',
    notices(report),
    section('subject', 'Subject', facts('What was verified', [
      ['Kind', esc(subject.kind)],
      ['Reference', code(subject.reference)],
      ['Digest', code(subject.digest)],
      ['Name', esc(subject.name === undefined ? undefined : `${subject.name}${subject.version ? ` ${subject.version}` : ''}`)],
      ['Platform', esc(subject.platform)],
      ['Media type', code(subject.mediaType)],
      ['Index digest', code(subject.indexDigest)],
      ['Size', subject.size === undefined ? '' : `${esc(subject.size)} bytes`],
      ['Effective time', esc(report.effectiveTime)],
      ['Policies', report.policies.map((p) => `${esc(p.name)} (${code(p.source)}, ${code(p.digest)})`).join('<br>')],
      ['vouch', esc(evidence.tool.version)],
    ])),
    rulesSection(report),
    trustSections(evidence),
    contentSections(evidence),
    '</main>',
    `<footer>Written by vouch ${esc(evidence.tool.version)}; report schema ${esc(report.schemaVersion)}, evidence schema ${esc(evidence.schemaVersion)}.</footer>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(HTML_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>vouch ${verdict}: ${esc(subject.reference)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${HTML_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function notices(report: Report): string {
  const all = [...report.notices, ...report.evidence.warnings.filter((w) => !report.notices.includes(w))];
  if (all.length === 0) return '';
  return section('notices', 'Notices', `<ul class="notices">${all.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
}

function rulesSection(report: Report): string {
  const rows = report.results.map((r) => [
    status(RULE_WORD[r.status], r.status),
    code(`${r.policy}/${r.rule}`),
    esc(r.severity),
    [
      // A rule's message says what is wrong when it fails; on any other status it is the condition.
      r.status === 'fail' || r.status === 'waived' ? esc(r.message) : `<span class="muted">fails when: ${esc(r.message)}</span>`,
      r.reason ? `<br>${esc(r.reason)}` : '',
      r.waiver ? `<br>waived: ${esc(r.waiver.reason)} (owner ${esc(r.waiver.owner)}, until ${esc(r.waiver.expires)})` : '',
      ...(r.expiredWaivers ?? []).map((w) => `<br>expired waiver, not applied: ${esc(w.reason)} (owner ${esc(w.owner)}, ${esc(w.expires)})`),
      `<details><summary>expression</summary>${code(r.expression)}${r.match ? `<br>applies when ${code(r.match)}` : ''}</details>`,
    ].join(''),
  ]);
  return section('rules', `Policy rules (${report.results.length})`, table('Every rule of every policy, sorted by policy and rule', ['Result', 'Rule', 'Severity', 'Why'], rows));
}
