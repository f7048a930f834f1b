import type { Check, CheckStatus } from '../evidence/index.js';
import type { Report, RuleResult, RuleStatus } from './types.js';

export interface TextOptions {
  /** ANSI colour; the CLI turns it on only for a TTY without NO_COLOR. */
  readonly color: boolean;
}

const CHECK_MARK: Record<CheckStatus, string> = { pass: '✔', fail: '✘', absent: '○', skipped: '-' };
const RULE_MARK: Record<RuleStatus, string> = { pass: '✔', fail: '✘', waived: '~', 'not-applicable': '-' };

/**
 * The auditor's report: subject and digest first, then every check (one line each, with a mark),
 * then every rule result with why it failed, then notices, and the verdict last. Fits 80 columns
 * except where a value (a digest, an identity) is longer than the line.
 */
export function renderText(report: Report, options: TextOptions): string {
  const paint = painter(options.color);
  const { evidence, subject } = report;
  const out: string[] = [];
  out.push(`${paint.bold('Subject')}  ${subject.kind} ${subject.reference}`);
  out.push(`Digest   ${subject.digest}`);
  if (subject.name) out.push(`Name     ${subject.name}${subject.version ? ` ${subject.version}` : ''}${subject.platform ? ` (${subject.platform})` : ''}`);
  out.push(`Time     ${report.effectiveTime}`);
  out.push('');
  out.push(paint.bold('Checks'));
  if (evidence.checks.length === 0) out.push('  (none)');
  for (const check of evidence.checks) out.push(...checkLines(check, paint));
  if (evidence.signatures.length > 0) {
    out.push('', paint.bold('Signatures'));
    for (const s of evidence.signatures) {
      const who = s.identity ? `${s.identity}${s.issuer ? ` (${s.issuer})` : ''}` : s.key ? `key ${s.key}` : '';
      out.push(`  ${s.verified ? paint.green('✔') : paint.red('✘')} ${s.kind} ${s.code}${who ? `  ${who}` : ''}`);
      out.push(`      ${s.message}`);
    }
  }
  out.push('', paint.bold(`Rules (${report.policies.map((p) => p.name).join(', ')})`));
  for (const result of report.results) out.push(...ruleLines(result, paint));
  if (report.notices.length > 0) {
    out.push('', paint.bold('Notices'));
    for (const notice of report.notices) out.push(`  ! ${notice}`);
  }
  const s = report.summary;
  out.push('');
  out.push(`${s.rules} rules: ${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings, ${s.waived} waived, ${s.notApplicable} not applicable`);
  out.push(report.verdict === 'pass' ? paint.green(paint.bold('VERDICT: PASS')) : paint.red(paint.bold('VERDICT: FAIL')));
  return `${out.join('\n')}\n`;
}

function checkLines(check: Check, paint: Painter): string[] {
  const mark = CHECK_MARK[check.status];
  const coloured = check.status === 'pass' ? paint.green(mark) : check.status === 'fail' ? paint.red(mark) : paint.dim(mark);
  const lines = [`  ${coloured} ${check.id}  ${check.message}`];
  if (check.status === 'fail') {
    if (check.expected !== undefined) lines.push(`      expected: ${check.expected}`);
    if (check.found !== undefined) lines.push(`      found:    ${check.found}`);
    lines.push(`      code:     ${check.code}`);
  }
  return lines;
}

function ruleLines(result: RuleResult, paint: Painter): string[] {
  const mark = RULE_MARK[result.status];
  const coloured = result.status === 'pass' ? paint.green(mark) : result.status === 'fail' ? paint.red(mark) : paint.dim(mark);
  const sev = result.severity === 'warning' ? ' (warning)' : '';
  const lines = [`  ${coloured} ${result.policy}/${result.rule}${sev}  ${result.status}`];
  if (result.status === 'fail' || result.status === 'waived') lines.push(`      ${result.message}`);
  if (result.reason) lines.push(`      ${result.reason}`);
  if (result.waiver) lines.push(`      waived by ${result.waiver.owner} until ${result.waiver.expires}: ${result.waiver.reason}`);
  return lines;
}

interface Painter {
  bold(s: string): string;
  green(s: string): string;
  red(s: string): string;
  dim(s: string): string;
}

function painter(color: boolean): Painter {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrap('1'), green: wrap('32'), red: wrap('31'), dim: wrap('2') };
}
