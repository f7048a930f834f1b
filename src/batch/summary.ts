import type { BatchSummary, BatchTotals, SubjectExitCode, SummaryRow } from './types.js';

/** 3 (could not check) outranks 1 (fail), which outranks 0 (pass). */
export function worstExitCode(a: SubjectExitCode, b: SubjectExitCode): SubjectExitCode {
  return Math.max(a, b) as SubjectExitCode;
}

/**
 * Collects the summary rows as subjects finish. It keeps one small row per subject (never a
 * report), so a batch of any size summarizes in memory proportional to the count of subjects
 * times a few hundred bytes.
 */
export class SummaryCollector {
  private readonly rows: SummaryRow[] = [];

  add(row: SummaryRow): void {
    this.rows.push(row);
  }

  totals(): BatchTotals {
    let passed = 0;
    let failed = 0;
    let couldNotCheck = 0;
    let cached = 0;
    let exitCode: SubjectExitCode = 0;
    for (const row of this.rows) {
      if (row.exitCode === 0) passed++;
      else if (row.exitCode === 1) failed++;
      else couldNotCheck++;
      if (row.cached) cached++;
      exitCode = worstExitCode(exitCode, row.exitCode);
    }
    return { subjects: this.rows.length, passed, failed, couldNotCheck, cached, exitCode };
  }

  /** The summary, rows sorted by subject then kind (code-unit order: the same on every machine). */
  summary(): BatchSummary {
    const rows = [...this.rows].sort((a, b) => compare(a.subject, b.subject) || compare(a.kind, b.kind) || a.exitCode - b.exitCode);
    return { totals: this.totals(), rows };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
