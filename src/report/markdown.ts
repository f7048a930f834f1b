import type { Check } from '../evidence/index.js';
import type { Report, RuleResult } from './types.js';

const RULE_ICON: Record<RuleResult['status'], string> = { pass: '✅', fail: '❌', waived: '⚠️', 'not-applicable': '➖' };
const CHECK_ICON: Record<Check['status'], string> = { pass: '✅', fail: '❌', absent: '⭕', skipped: '➖' };

/**
 * Markdown for pull-request comments and CI job summaries: the verdict in the heading, the failed
 * rules first with why, then every rule, then the checks (folded when they all passed), waivers
 * and notices. Every value from the evidence is escaped, so a hostile message cannot inject links,
 * HTML or table breaks into the comment.
 */
export function renderMarkdown(report: Report): string {
  const { subject, evidence } = report;
  const out: string[] = [];
  const verdict = report.verdict === 'pass' ? '✅ PASS' : '❌ FAIL';
  out.push(`## vouch: ${verdict} for ${code(subject.reference)}`, '');
  out.push('| | |', '| --- | --- |');
  out.push(`| Subject | ${esc(subject.kind)} ${code(subject.reference)} |`);
  out.push(`| Digest | ${code(subject.digest)} |`);
  if (subject.name) out.push(`| Name | ${esc(`${subject.name}${subject.version ? ` ${subject.version}` : ''}`)} |`);
  out.push(`| Policies | ${report.policies.map((p) => `${esc(p.name)} (${code(p.source)})`).join(', ')} |`);
  out.push(`| Effective time | ${esc(report.effectiveTime)} |`);
  const s = report.summary;
  out.push(`| Rules | ${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings, ${s.waived} waived, ${s.notApplicable} not applicable |`, '');

  const failed = report.results.filter((r) => r.status === 'fail');
  if (failed.length > 0) {
    out.push('### Failed rules', '');
    for (const r of failed) {
      out.push(`- **${esc(`${r.policy}/${r.rule}`)}**${r.severity === 'warning' ? ' (warning)' : ''}: ${esc(r.message)}`);
      if (r.reason) out.push(`  - ${esc(r.reason)}`);
      out.push(`  - demanded: ${code(r.expression)}`);
    }
    out.push('');
  }
  out.push('### Rules', '', '| | Rule | Severity | Result |', '| --- | --- | --- | --- |');
  for (const r of report.results) {
    out.push(`| ${RULE_ICON[r.status]} | ${esc(`${r.policy}/${r.rule}`)} | ${r.severity} | ${esc(r.status === 'pass' ? 'pass' : r.status === 'not-applicable' ? 'not applicable' : `${r.status}: ${r.message}`)} |`);
  }
  out.push('');
  const badChecks = evidence.checks.filter((c) => c.status === 'fail' || c.status === 'absent').length;
  out.push(badChecks === 0 ? `<details><summary>Checks (${evidence.checks.length}, all passed or skipped)</summary>` : `### Checks (${badChecks} of ${evidence.checks.length} did not pass)`, '');
  out.push('| | Check | Code | Message |', '| --- | --- | --- | --- |');
  for (const c of evidence.checks) {
    const detail = [c.message, c.expected === undefined ? '' : `expected ${c.expected}`, c.found === undefined ? '' : `found ${c.found}`].filter(Boolean).join('; ');
    out.push(`| ${CHECK_ICON[c.status]} | ${esc(c.id)} | ${esc(c.code)} | ${esc(detail)} |`);
  }
  out.push('');
  if (badChecks === 0) out.push('</details>', '');
  const waivers = report.results.filter((r) => r.waiver || r.expiredWaivers);
  if (waivers.length > 0) {
    out.push('### Waivers', '');
    for (const r of waivers) {
      if (r.waiver) out.push(`- applied to ${esc(`${r.policy}/${r.rule}`)}: ${esc(r.waiver.reason)} (owner ${esc(r.waiver.owner)}, until ${esc(r.waiver.expires)})`);
      for (const w of r.expiredWaivers ?? []) out.push(`- **expired** ${esc(w.expires)}, not applied to ${esc(`${r.policy}/${r.rule}`)}: ${esc(w.reason)} (owner ${esc(w.owner)})`);
    }
    out.push('');
  }
  if (report.notices.length > 0) {
    out.push('### Notices', '', ...report.notices.map((n) => `- ⚠️ ${esc(n)}`), '');
  }
  return `${out.join('\n')}\n`;
}

/** Escapes Markdown and HTML metacharacters and flattens newlines, for text inside a table cell. */
function esc(value: string): string {
  return visible(value)
    .replace(/[\\`*_[\]|<>&~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '|' ? '\\|' : `\\${c}`));
}

/** Inline code that cannot be broken out of: a fence longer than any backtick run inside. */
function code(value: string): string {
  const flat = visible(value).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Newlines flattened, other control characters shown as \\uXXXX, lone surrogates replaced. */
function visible(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
