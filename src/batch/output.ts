/**
 * What a batch writes, format by format. A writer is pure: it turns outcomes into text pieces and
 * keeps nothing of a report once its piece is returned, so output of any number of subjects needs
 * flat memory. jsonl, sarif and junit carry every subject's report; text, markdown and json are
 * the summary (rows of small fields), written at the end.
 */
import { assertNever } from '../errors.js';
import { stableStringify } from '../evidence/index.js';
import { lineOf, serializeLine } from './line.js';
import { junitWriter } from './output-junit.js';
import { sarifWriter } from './output-sarif.js';
import type { Verdict } from '../report/types.js';
import type { BatchSummary, BatchTotals, SubjectOutcome, SummaryRow } from './types.js';

export const BATCH_FORMATS = ['text', 'json', 'jsonl', 'sarif', 'junit', 'markdown'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

export const BATCH_SUMMARY_SCHEMA = 'vouch.dev/batch-summary/v1';

export interface BatchWriter {
  start(): string;
  subject(outcome: SubjectOutcome): string;
  end(summary: BatchSummary): string;
}

export function batchWriter(format: BatchFormat): BatchWriter {
  switch (format) {
    case 'jsonl':
      return { start: () => '', subject: (o) => serializeLine(lineOf(o)), end: () => '' };
    case 'text':
      return { start: () => '', subject: () => '', end: renderSummaryText };
    case 'markdown':
      return { start: () => '', subject: () => '', end: renderSummaryMarkdown };
    case 'json':
      return { start: () => '', subject: () => '', end: (s) => stableStringify({ schema: BATCH_SUMMARY_SCHEMA, verdict: summaryVerdict(s.totals), totals: s.totals, subjects: s.rows }) };
    case 'sarif':
      return sarifWriter();
    case 'junit':
      return junitWriter();
    default:
      return assertNever(format, 'batch format');
  }
}

/**
 * The run's verdict, for a consumer that reads one field as it does a single report's: "pass" only
 * when there were subjects and every one passed; "fail" when some failed and all were checked; null
 * when some subject could not be checked (as its row says) or there was nothing to judge (an empty
 * shard), so a summary never reads as a pass that nothing earned.
 */
export function summaryVerdict(totals: BatchTotals): Verdict | null {
  if (totals.subjects === 0 || totals.exitCode === 3) return null;
  return totals.exitCode === 0 ? 'pass' : 'fail';
}

const STATUS = (row: SummaryRow): string => (row.exitCode === 0 ? 'pass' : row.exitCode === 1 ? 'FAIL' : 'COULD NOT CHECK');

/** One line a run ends with: how many of each, how many from the cache. */
export function summaryLine(summary: BatchSummary): string {
  const t = summary.totals;
  return `${t.subjects} subject${t.subjects === 1 ? '' : 's'}: ${t.passed} passed, ${t.failed} failed, ${t.couldNotCheck} could not be checked; ${t.cached} from the verdict cache; exit ${t.exitCode}`;
}

function noteOf(row: SummaryRow): string {
  return visible(row.errorCode !== null ? `${row.errorCode}: ${row.note}` : row.note);
}

/**
 * Subject names come from the command line and from repository indexes, notes from reports: a
 * terminal must never receive their control characters (escape sequences could rewrite what the
 * summary shows). Newlines are flattened, other controls shown as \uXXXX, lone surrogates replaced.
 */
export function visible(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function renderSummaryText(summary: BatchSummary): string {
  const lines = summary.rows.map((r) => [STATUS(r), visible(r.subject), visible(r.digest ?? '-'), r.cached ? 'cached' : '', noteOf(r)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[['STATUS', 'SUBJECT', 'DIGEST', 'CACHE'][i] ?? '', ...lines.map((l) => l[i] ?? '')].map((c) => c.length)));
  const pad = (cells: readonly string[]): string => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c)).join('  ').trimEnd();
  return `${[pad(['STATUS', 'SUBJECT', 'DIGEST', 'CACHE', 'NOTE']), ...lines.map(pad), '', summaryLine(summary)].join('\n')}\n`;
}

const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>`*_[\]]/g, (c) => `\\${c}`);

export function renderSummaryMarkdown(summary: BatchSummary): string {
  const t = summary.totals;
  const rows = summary.rows.map((r) => `| ${STATUS(r)} | ${cell(visible(r.subject))} | ${r.digest === null ? '-' : cell(visible(r.digest))} | ${r.cached ? 'yes' : ''} | ${cell(noteOf(r))} |`);
  return `${[
    '## vouch batch',
    '',
    `**${t.passed}** passed, **${t.failed}** failed, **${t.couldNotCheck}** could not be checked, of ${t.subjects}; ${t.cached} from the verdict cache; exit code ${t.exitCode}.`,
    '',
    '| Status | Subject | Digest | Cached | Note |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n')}\n`;
}
