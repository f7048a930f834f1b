import type { SbomIssue, SbomLimits } from './model.js';

export const SBOM_LIMITS: SbomLimits = {
  maxBytes: 64 * 1024 ** 2,
  maxElements: 1_000_000,
  maxIssues: 1000,
  maxStringLength: 1024 ** 2,
  maxDepth: 32,
};

/** JSON pointer (RFC 6901) of a path given as segments. */
export function pointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Collects every problem of one document (sigstore-js style: all fields, not just the first), up
 * to a cap so that a hostile document cannot make the report itself huge. `errors` make the
 * document unclean; `warnings` are known, unambiguous deviations of real generators.
 */
export class IssueCollector {
  readonly errors: SbomIssue[] = [];
  readonly warnings: SbomIssue[] = [];
  private dropped = 0;

  constructor(readonly limits: SbomLimits) {}

  error(path: string, reason: string): void {
    if (this.errors.length < this.limits.maxIssues) this.errors.push({ path, reason });
    else this.dropped++;
  }

  warn(path: string, reason: string): void {
    if (this.warnings.length < this.limits.maxIssues) this.warnings.push({ path, reason });
  }

  /** The errors, with one closing issue when some were dropped over the cap. */
  issues(): SbomIssue[] {
    if (this.dropped === 0) return this.errors;
    return [...this.errors, { path: '', reason: `${this.dropped} more issues not listed` }];
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads a string field: undefined when absent; an issue when present but not a usable string. */
export function stringAt(obj: JsonObject, key: string, path: string, issues: IssueCollector, required = false): string | undefined {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (value === undefined) {
    if (required) issues.error(path, `missing required property ${key}`);
    return undefined;
  }
  // The pointer is spelled only for an issue: most fields are fine, and SBOMs have many.
  if (typeof value !== 'string') {
    issues.error(`${path}${pointer([key])}`, `must be a string, found ${kindOf(value)}`);
    return undefined;
  }
  if (value.length > issues.limits.maxStringLength) {
    issues.error(`${path}${pointer([key])}`, `string longer than ${issues.limits.maxStringLength} characters`);
    return undefined;
  }
  return value;
}

/** Reads an array field: [] when absent; an issue when present but not an array. */
export function arrayAt(obj: JsonObject, key: string, path: string, issues: IssueCollector): Json[] {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.error(`${path}${pointer([key])}`, `must be an array, found ${kindOf(value)}`);
    return [];
  }
  return value;
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Normalises a file name from an SBOM the way the inventory spells paths. */
export function normalisePath(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '');
}

/** An RFC 3339 date-time in UTC or with an offset, as SPDX and CycloneDX both require. */
export function isDateTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}
