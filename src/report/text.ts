import type { Check, CheckStatus, Subject } from '../evidence/index.js';
import { sbomLine } from './text-evidence.js';
import { reconciliationLines } from './text-findings.js';
import { attestationLines, signatureLines, trustMaterialText } from './text-trust.js';
import type { Painter, Para } from './text-evidence.js';
import type { Report, RuleResult, RuleStatus } from './types.js';
import { wrap } from './wrap.js';

export interface TextOptions {
  /** ANSI colour; the CLI turns it on only for a TTY without NO_COLOR. */
  readonly color: boolean;
  /** Line width to wrap prose at (default 80; the CLI passes the terminal's width). */
  readonly width?: number;
  /** Every finding and each failed rule's CEL expression (--verbose); otherwise the first 20 per code. */
  readonly verbose?: boolean;
}

const CHECK_MARK: Record<CheckStatus, string> = { pass: '✔', fail: '✘', absent: '○', skipped: '-' };
const RULE_MARK: Record<RuleStatus, string> = { pass: '✔', fail: '✘', waived: '~', 'not-applicable': '-' };

/**
 * The auditor's report: subject first; the checks grouped by area (the first segment of their id)
 * with expected and found for every failure; signatures and attestations with their signer and
 * what they are attached to; provenance; the SBOM status; the reconciliation counts and first
 * findings; the rule results grouped by policy with why each failed; the waivers that were applied
 * or had expired; notices; the verdict last.
 * Prose wraps at 80 columns; a single token longer than the line (a digest) is not broken.
 */
export function renderText(report: Report, options: TextOptions): string {
  const width = options.width ?? 80;
  const paint = painter(options.color);
  const { evidence, subject } = report;
  const out: string[] = [];
  const para = (text: string, indent: string, first = indent) => out.push(...wrap(text, width, first, indent));
  const verbose = options.verbose ?? false;
  const trustedBy = trustMaterialText(evidence.expectations);
  out.push(paint.bold('Subject'));
  para(`${subject.kind} ${subject.reference}`, '    ', '  ');
  out.push(`  digest ${subject.digest}`);
  if (subject.indexDigest) para(subject.indexDigest, '         ', '  index  ');
  if (subject.name) para(`${subject.name}${subject.version ? ` ${subject.version}` : ''}${subject.platform ? ` (${subject.platform})` : ''}`, '         ', '  name   ');
  out.push(`  time   ${report.effectiveTime}`);
  para(report.policies.map((p) => p.name).join(', '), '         ', '  policy ');
  out.push(`  vouch  ${evidence.tool.version}`);
  if (namedByTag(subject)) {
    para(`named by a tag, which can move: refer to it by digest (@${subject.indexDigest ?? subject.digest}) so that what runs is what was verified`, '    ', '  ! ');
  }

  out.push('', paint.bold(`Checks (${evidence.checks.length})`));
  if (evidence.checks.length === 0) out.push('  (none ran)');
  for (const [group, checks] of groupBy(evidence.checks, (c) => c.id.split('.')[0] ?? c.id)) {
    out.push(`  ${group}`);
    for (const check of checks) checkLines(check, paint, para);
  }
  if (evidence.signatures.length > 0) {
    out.push('', paint.bold(`Signatures (${evidence.signatures.length})`));
    for (const s of evidence.signatures) signatureLines(s, subject, trustedBy, paint, para);
  }
  if (evidence.attestations.length > 0) {
    out.push('', paint.bold(`Attestations (${evidence.attestations.length})`));
    for (const a of evidence.attestations) attestationLines(a, subject, trustedBy, paint, para);
  }
  if (evidence.provenance.length > 0) {
    out.push('', paint.bold(`Provenance (${evidence.provenance.length})`));
    for (const p of evidence.provenance) {
      para(`${p.verified ? paint.green('✔') : paint.red('✘')} SLSA v${p.slsaVersion} by ${p.builderId}`, '      ', '  ');
      if (p.source.uri) para(`source: ${p.source.uri}${p.source.ref ? ` @ ${p.source.ref}` : ''}`, '      ', '      ');
    }
  }
  if (evidence.vsa) {
    // Whether a verification summary stood in for the verification, and why or why not.
    out.push('', paint.bold('Verification summary (VSA)'));
    para(`${evidence.vsa.used ? paint.green('✔ used') : paint.red('✘ not used')}: ${evidence.vsa.reason}`, '      ', '  ');
    if (evidence.vsa.source) para(`source: ${evidence.vsa.source}`, '      ', '      ');
  }
  if (evidence.sbom) {
    out.push('');
    sbomLine(evidence.sbom, paint, para);
  }
  if (evidence.reconciliation) {
    const n = evidence.reconciliation.findings.length;
    out.push('', paint.bold(`Reconciliation (${n} finding${n === 1 ? '' : 's'})`));
    reconciliationLines(evidence.reconciliation, para, verbose);
  }

  for (const [policy, results] of groupBy(report.results, (r) => r.policy)) {
    out.push('', paint.bold(`Rules of policy ${policy}`));
    for (const result of results) ruleLines(result, paint, para, verbose);
  }
  const waived = report.results.filter((r) => r.waiver || r.expiredWaivers);
  if (waived.length > 0) {
    out.push('', paint.bold('Waivers'));
    for (const r of waived) {
      if (r.waiver) para(`applied to ${r.policy}/${r.rule}: owner ${r.waiver.owner}, until ${r.waiver.expires}: ${r.waiver.reason}`, '      ', '  ~ ');
      for (const w of r.expiredWaivers ?? []) para(`EXPIRED ${w.expires}, not applied to ${r.policy}/${r.rule}: owner ${w.owner}: ${w.reason}`, '      ', '  ! ');
    }
  }
  if (report.notices.length > 0) {
    out.push('', paint.bold('Notices'));
    for (const notice of report.notices) para(notice, '    ', '  ! ');
  }
  const s = report.summary;
  out.push('');
  para(`${s.rules} rules: ${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings, ${s.waived} waived, ${s.notApplicable} not applicable`, '');
  out.push(report.verdict === 'pass' ? paint.green(paint.bold('VERDICT: PASS')) : paint.red(paint.bold('VERDICT: FAIL')));
  return `${out.join('\n')}\n`;
}

function checkLines(check: Check, paint: Painter, para: Para): void {
  const mark = CHECK_MARK[check.status];
  const coloured = check.status === 'pass' ? paint.green(mark) : check.status === 'fail' ? paint.red(mark) : paint.dim(mark);
  para(`${check.id}: ${check.message}`, '        ', `    ${coloured} `);
  if (check.status === 'fail' || check.status === 'absent') {
    const cont = ' '.repeat(18);
    if (check.expected !== undefined) para(check.expected, cont, '        expected: ');
    if (check.found !== undefined) para(check.found, cont, '        found:    ');
    para(check.code, cont, '        code:     ');
  }
}

/**
 * A failed rule shows its message and why (the values that failed, from the evaluation); the CEL
 * expression it demanded, which can be long (an allow-list), only when verbose.
 */
function ruleLines(result: RuleResult, paint: Painter, para: Para, verbose: boolean): void {
  const mark = RULE_MARK[result.status];
  const coloured = result.status === 'pass' ? paint.green(mark) : result.status === 'fail' ? paint.red(mark) : paint.dim(mark);
  const sev = result.severity === 'warning' ? ' (warning)' : '';
  para(`${result.rule}${sev}: ${result.status}`, '      ', `  ${coloured} `);
  if (result.status === 'fail' || result.status === 'waived') para(result.message, '      ', '      ');
  if (result.reason) para(result.reason, '      ', '      ');
  if (result.status === 'fail' && verbose) para(`demanded: ${result.expression}`, '      ', '      ');
}

/** An image named without a digest: what runs later may not be what was verified now. */
function namedByTag(subject: Subject): boolean {
  return subject.kind === 'image' && !/@sha256:[0-9a-f]{64}$/.test(subject.reference);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function painter(color: boolean): Painter {
  const wrapIn = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrapIn('1'), green: wrapIn('32'), red: wrapIn('31'), dim: wrapIn('2') };
}
