import { renderSarif, SARIF_SCHEMA_URI } from '../report/index.js';
import type { BatchWriter } from './output.js';
import type { SubjectOutcome } from './types.js';

/**
 * SARIF for a batch: one document whose `runs` holds one run per subject, written as each
 * subject finishes. A subject that could not be checked is a run whose invocation did not
 * succeed, with the error as a tool execution notification, so it cannot be mistaken for a clean run.
 */
export function sarifWriter(): BatchWriter {
  let first = true;
  const sep = (): string => {
    const s = first ? '\n' : ',\n';
    first = false;
    return s;
  };
  return {
    start: () => `{"$schema":${JSON.stringify(SARIF_SCHEMA_URI)},"version":"2.1.0","runs":[`,
    subject: (o) => `${sep()}${JSON.stringify(runOf(o))}`,
    end: () => '\n]}\n',
  };
}

function runOf(o: SubjectOutcome): unknown {
  if (o.kind === 'report') {
    const doc = JSON.parse(renderSarif(o.report)) as { runs: Record<string, unknown>[] };
    const run = doc.runs[0] ?? {};
    return { ...run, properties: { ...(run['properties'] as Record<string, unknown>), batchSubject: o.subject, cached: o.cached } };
  }
  return {
    tool: { driver: { name: 'vouch' } },
    invocations: [
      {
        executionSuccessful: false,
        exitCode: 3,
        toolExecutionNotifications: [{ level: 'error', message: { text: `${o.subject}: could not check: ${o.error.message}` }, descriptor: { id: o.error.code } }],
      },
    ],
    results: [],
    properties: { batchSubject: o.subject, kind: o.subjectKind, error: o.error },
  };
}
