export { renderReport, renderReportPieces, verdictLine } from './render.js';
export type { RenderOptions } from './render.js';
export { renderHtml } from './html.js';
export { renderJunit } from './junit.js';
export { renderMarkdown } from './markdown.js';
export { renderSarif, SARIF_SCHEMA_URI } from './sarif.js';
export { renderText } from './text.js';
export { REPORT_FORMATS, REPORT_SCHEMA_VERSION } from './types.js';
export type { Report, ReportFormat, RuleResult, RuleStatus, Verdict, WaiverRef } from './types.js';
