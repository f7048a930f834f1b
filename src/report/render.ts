import { assertNever } from '../errors.js';
import { stableStringify, stableStringifyPieces } from '../evidence/index.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import type { Report, ReportFormat } from './types.js';

export interface RenderOptions {
  readonly color: boolean;
  /** Text only: the line width (default 80) and whether to list everything (--verbose). */
  readonly width?: number;
  readonly verbose?: boolean;
}

/**
 * Renders a report in one of the output formats. Pure: returns the text, writes nothing. Every
 * format is deterministic: identical reports give byte-identical output.
 */
export function renderReport(report: Report, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'text':
      return renderText(report, options);
    case 'json':
      return stableStringify(report);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    default:
      return assertNever(format, 'report format');
  }
}

/**
 * The same output as renderReport, in pieces: JSON is generated piece by piece (a large image's
 * report never becomes one string); the other formats are one piece.
 */
export function renderReportPieces(report: Report, format: ReportFormat, options: RenderOptions): Iterable<string> {
  return format === 'json' ? stableStringifyPieces(report) : [renderReport(report, format, options)];
}

/** The one line the CLI writes to stderr when the report goes to a file. */
export function verdictLine(report: Report): string {
  return `vouch: verdict ${report.verdict} for ${report.subject.reference} (${report.subject.digest}): ${report.summary.failed} failed, ${report.summary.waived} waived`;
}
