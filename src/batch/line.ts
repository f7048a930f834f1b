import { fail } from '../errors.js';
import type { Report, Verdict } from '../report/types.js';
import { BATCH_LINE_SCHEMA } from './types.js';
import type { BatchLine, SubjectExitCode, SubjectKind, SubjectOutcome, SummaryRow } from './types.js';
import { parseUntrustedJson } from '../evidence/index.js';

/** The JSONL line for an outcome. */
export function lineOf(outcome: SubjectOutcome): BatchLine {
  switch (outcome.kind) {
    case 'report':
      return {
        schema: BATCH_LINE_SCHEMA,
        subject: outcome.subject,
        kind: outcome.subjectKind,
        exitCode: outcome.report.verdict === 'pass' ? 0 : 1,
        verdict: outcome.report.verdict,
        digest: outcome.report.subject.digest,
        cached: outcome.cached,
        report: outcome.report,
        error: null,
      };
    case 'error':
      return { schema: BATCH_LINE_SCHEMA, subject: outcome.subject, kind: outcome.subjectKind, exitCode: 3, verdict: null, digest: null, cached: false, report: null, error: outcome.error };
  }
}

/**
 * One line of text: JSON.stringify without indentation never writes a raw newline (newlines in
 * strings are escaped), so a line is always exactly one record. Keys are in a fixed order.
 */
export function serializeLine(line: BatchLine): string {
  return `${JSON.stringify(line)}\n`;
}

const KINDS: readonly SubjectKind[] = ['apk', 'image', 'artifact'];

/**
 * Reads one line back (`vouch merge`). Results files cross machines, so they are input like any
 * other: every field is checked, and a line whose parts contradict each other (exit 0 with a
 * fail verdict, a report with an error) is refused rather than counted in the line's favour.
 * @throws VouchError INPUT_MALFORMED naming `where`.
 */
export function parseLine(text: string, where: string): BatchLine {
  let doc: unknown;
  try {
    doc = parseUntrustedJson(text, where);
  } catch (err) {
    return fail('INPUT_MALFORMED', `${where}: not JSON: ${(err as Error).message}`);
  }
  const bad = (why: string): never => fail('INPUT_MALFORMED', `${where}: not a vouch batch line: ${why}`);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('not an object');
  const o = doc as Record<string, unknown>;
  if (o['schema'] !== BATCH_LINE_SCHEMA) return bad(`schema is ${JSON.stringify(o['schema'])}, not ${BATCH_LINE_SCHEMA}`);
  const subject = o['subject'];
  const kind = o['kind'];
  const exitCode = o['exitCode'];
  if (typeof subject !== 'string' || subject === '') return bad('no subject');
  if (typeof kind !== 'string' || !KINDS.includes(kind as SubjectKind)) return bad(`unknown kind ${JSON.stringify(kind)}`);
  if (exitCode !== 0 && exitCode !== 1 && exitCode !== 3) return bad(`exitCode ${JSON.stringify(exitCode)} is not 0, 1 or 3`);
  if (typeof o['cached'] !== 'boolean') return bad('cached is not a boolean');
  if (exitCode === 3) {
    const error = o['error'];
    if (o['report'] !== null || o['verdict'] !== null || typeof error !== 'object' || error === null) return bad('exit code 3 needs an error and no report');
    const e = error as Record<string, unknown>;
    if (typeof e['code'] !== 'string' || typeof e['message'] !== 'string') return bad('the error has no code or message');
    const hints = Array.isArray(e['hints']) ? e['hints'].filter((h): h is string => typeof h === 'string') : [];
    const details = typeof e['details'] === 'object' && e['details'] !== null && !Array.isArray(e['details']) ? (e['details'] as Record<string, unknown>) : {};
    return { schema: BATCH_LINE_SCHEMA, subject, kind: kind as SubjectKind, exitCode, verdict: null, digest: null, cached: false, report: null, error: { code: e['code'], message: e['message'], hints, details } };
  }
  const report = o['report'];
  if (o['error'] !== null || typeof report !== 'object' || report === null) return bad(`exit code ${exitCode} needs a report and no error`);
  const r = report as Record<string, unknown>;
  const verdict = r['verdict'];
  // The exit code follows from the report's own verdict: a line cannot claim a pass its report does not hold.
  if (verdict !== (exitCode === 0 ? 'pass' : 'fail') || o['verdict'] !== verdict) return bad(`exitCode ${exitCode} contradicts the verdict ${JSON.stringify(verdict)}`);
  const subj = r['subject'];
  const digest = typeof subj === 'object' && subj !== null ? (subj as Record<string, unknown>)['digest'] : undefined;
  if (typeof digest !== 'string' || o['digest'] !== digest) return bad('the digest is not the report subject digest');
  const summary = r['summary'];
  if (typeof summary !== 'object' || summary === null || typeof (summary as Record<string, unknown>)['failed'] !== 'number') return bad('the report has no summary');
  if (!Array.isArray(r['results']) || !Array.isArray(r['policies'])) return bad('the report has no results or policies');
  return { schema: BATCH_LINE_SCHEMA, subject, kind: kind as SubjectKind, exitCode, verdict: verdict as Verdict, digest, cached: o['cached'], report: report as Report, error: null };
}

/** An outcome back from a line (merge feeds lines to the same writers as a run). */
export function outcomeOf(line: BatchLine): SubjectOutcome {
  if (line.report !== null) return { kind: 'report', subject: line.subject, subjectKind: line.kind, report: line.report, cached: line.cached };
  return { kind: 'error', subject: line.subject, subjectKind: line.kind, error: line.error ?? { code: 'INTERNAL', message: 'no error recorded', hints: [], details: {} } };
}

const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
};

/** The summary's row for an outcome. */
export function rowOf(outcome: SubjectOutcome): SummaryRow {
  const line = lineOf(outcome);
  const exitCode: SubjectExitCode = line.exitCode;
  if (outcome.kind === 'error') {
    return { subject: line.subject, kind: line.kind, exitCode, verdict: null, digest: null, cached: false, failedRules: 0, errorCode: outcome.error.code, note: oneLine(outcome.error.message) };
  }
  const report = outcome.report;
  const failed = report.results.find((r) => r.status === 'fail' && r.severity === 'error');
  return {
    subject: line.subject,
    kind: line.kind,
    exitCode,
    verdict: report.verdict,
    digest: report.subject.digest,
    cached: outcome.cached,
    failedRules: report.summary.failed,
    errorCode: null,
    note: failed ? oneLine(`${failed.policy}/${failed.rule}: ${failed.message}`) : '',
  };
}
