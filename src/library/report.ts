import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { messageOf, VouchError } from '../errors.js';
import { renderReport as render, renderReportPieces, verdictLine } from '../report/render.js';
import { REPORT_FORMATS } from '../report/types.js';
import type { Report, ReportFormat } from '../report/types.js';

export { verdictLine };

export interface RenderReportOptions {
  /** ANSI colour in the text format (default false: the other formats never colour). */
  readonly color?: boolean;
  /** Text only: the line width (default 80) and whether to list every finding and failed rule's expression. */
  readonly width?: number;
  readonly verbose?: boolean;
}

function renderOptions(options: RenderReportOptions): { color: boolean; width?: number; verbose?: boolean } {
  return { color: options.color === true, ...(options.width !== undefined && { width: options.width }), ...(options.verbose !== undefined && { verbose: options.verbose }) };
}

/** Refuses a format vouch does not write: a caller's typo must not become an empty or JSON report. */
function checkFormat(format: unknown): asserts format is ReportFormat {
  if (!(REPORT_FORMATS as readonly unknown[]).includes(format)) {
    throw new VouchError({ code: 'USAGE', message: `unknown report format ${JSON.stringify(format)}; one of ${REPORT_FORMATS.join(', ')}` });
  }
}

/**
 * Renders a report in one of the formats (text, json, sarif, junit, markdown, html) as one string.
 * Deterministic: the same report gives byte-identical output.
 */
export function renderReport(report: Report, format: ReportFormat, options: RenderReportOptions = {}): string {
  checkFormat(format);
  return render(report, format, renderOptions(options));
}

/**
 * Writes a report to a file path (created or truncated) or a stream, piece by piece: a large JSON
 * report is never one string. Waits for the stream to drain, so a slow reader bounds memory.
 * @throws VouchError INPUT_UNREADABLE when the file cannot be written.
 */
export async function writeReport(report: Report, format: ReportFormat, to: string | Writable, options: RenderReportOptions = {}): Promise<void> {
  checkFormat(format);
  const pieces = renderReportPieces(report, format, renderOptions(options));
  if (typeof to !== 'string') {
    for (const piece of pieces) if (!to.write(piece)) await once(to, 'drain');
    return;
  }
  try {
    const file = await open(to, 'w');
    try {
      for (const piece of pieces) await file.write(piece);
    } finally {
      await file.close();
    }
  } catch (err) {
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot write the report to ${to}: ${messageOf(err)}`, cause: err });
  }
}
