import { VouchError } from '../errors.js';
import { assertJsonDepth } from './json-depth.js';
import { EVIDENCE_SCHEMA_VERSION } from './types.js';
import type { Evidence } from './types.js';

const REPORT_SCHEMA_PREFIX = 'vouch.dev/report/';
const ARRAY_MEMBERS = ['checks', 'signatures', 'attestations', 'provenance', 'warnings'] as const;

/**
 * Reads saved evidence for `vouch policy eval`: an Evidence document, or a Report (whose evidence
 * member is used). A document from another schema version is refused rather than guessed at.
 * @throws VouchError EVIDENCE_INVALID, LIMIT_EXCEEDED (nested too deep)
 */
export function parseEvidence(text: string, source: string): Evidence {
  assertJsonDepth(text, source);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new VouchError({ code: 'EVIDENCE_INVALID', message: `${source} is not JSON: ${(err as Error).message}` });
  }
  if (isRecord(doc) && typeof doc['schemaVersion'] === 'string' && doc['schemaVersion'].startsWith(REPORT_SCHEMA_PREFIX)) {
    doc = doc['evidence'];
  }
  if (!isRecord(doc)) throw invalid(source, 'not a vouch evidence document or report');
  if (doc['schemaVersion'] !== EVIDENCE_SCHEMA_VERSION) {
    throw invalid(source, `schemaVersion ${JSON.stringify(doc['schemaVersion'])} is not ${EVIDENCE_SCHEMA_VERSION} (written by another vouch version?)`);
  }
  const subject = doc['subject'];
  if (!isRecord(subject) || typeof subject['kind'] !== 'string' || typeof subject['reference'] !== 'string' || typeof subject['digest'] !== 'string') {
    throw invalid(source, 'subject must have kind, reference and digest');
  }
  for (const member of ARRAY_MEMBERS) {
    if (!Array.isArray(doc[member])) throw invalid(source, `${member} must be a list`);
  }
  return doc as unknown as Evidence;
}

function invalid(source: string, why: string): VouchError {
  return new VouchError({ code: 'EVIDENCE_INVALID', message: `${source}: ${why}` });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
