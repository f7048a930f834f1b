export { renderReport } from './render.js';
export type { RenderOptions } from './render.js';
export { renderText } from './text.js';
export { REPORT_FORMATS, REPORT_SCHEMA_VERSION } from './types.js';
export type { Report, ReportFormat, RuleResult, RuleStatus, Verdict } from './types.js';
