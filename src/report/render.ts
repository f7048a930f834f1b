import { fail } from '../errors.js';
import { stableStringify } from '../evidence/index.js';
import { renderText } from './text.js';
import type { Report, ReportFormat } from './types.js';

export interface RenderOptions {
  readonly color: boolean;
}

/** Renders a report in one of the output formats. Pure: returns the text, writes nothing. */
export function renderReport(report: Report, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'text':
      return renderText(report, options);
    case 'json':
      return stableStringify(report);
    case 'sarif':
    case 'junit':
    case 'markdown':
      return fail('NOT_IMPLEMENTED', `the ${format} report format is not implemented yet`);
  }
}
