/**
 * The in-toto statement inside a DSSE bundle. @sigstore/verify verifies the envelope signature and
 * its log entry but never looks inside the payload, so the binding between the signature and the
 * artifact (the artifact's digest is one of the statement's subjects) is checked here.
 */
import { jsonDepthProblem } from '../../evidence/index.js';
import type { InTotoStatement, StageResult } from './types.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'];
const MAX_SUBJECTS = 10_000;

export type StatementParse = { readonly ok: true; readonly statement: InTotoStatement } | { readonly ok: false; readonly result: StageResult };

/** Parses a DSSE payload as an in-toto statement (v0.1 or v1); anything else is a failure. */
export function parseStatement(payloadType: string, payload: Buffer): StatementParse {
  const bad = (code: string, message: string): StatementParse => ({ ok: false, result: { status: 'fail', code, message } });
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return bad('STATEMENT_UNSUPPORTED_PAYLOAD_TYPE', `DSSE payload type ${JSON.stringify(payloadType)} is not ${IN_TOTO_PAYLOAD_TYPE}`);
  const text = payload.toString('utf8');
  // The payload is base64 inside the bundle, so the bundle's depth cap did not see it.
  const deep = jsonDepthProblem(text);
  if (deep !== undefined) return bad('STATEMENT_MALFORMED', `DSSE payload is ${deep}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return bad('STATEMENT_MALFORMED', 'DSSE payload is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('STATEMENT_MALFORMED', 'DSSE payload is not a JSON object');
  const o = doc as Record<string, unknown>;
  if (typeof o['_type'] !== 'string' || !STATEMENT_TYPES.includes(o['_type'])) return bad('STATEMENT_UNSUPPORTED_TYPE', `unknown in-toto statement type ${JSON.stringify(o['_type'])}`);
  if (typeof o['predicateType'] !== 'string' || o['predicateType'] === '') return bad('STATEMENT_MALFORMED', 'statement has no predicateType');
  const subjects = o['subject'];
  if (!Array.isArray(subjects) || subjects.length === 0) return bad('STATEMENT_MALFORMED', 'statement has no subjects');
  if (subjects.length > MAX_SUBJECTS) return bad('STATEMENT_MALFORMED', `statement has more than ${MAX_SUBJECTS} subjects`);
  const parsed: { name?: string; digest: Record<string, string> }[] = [];
  for (const s of subjects) {
    const digest = (s as { digest?: unknown } | null)?.digest;
    if (typeof digest !== 'object' || digest === null || Array.isArray(digest)) return bad('STATEMENT_MALFORMED', 'a statement subject has no digest');
    const entries = Object.entries(digest).filter((e): e is [string, string] => typeof e[1] === 'string');
    const name = (s as { name?: unknown }).name;
    parsed.push({ ...(typeof name === 'string' && { name }), digest: Object.fromEntries(entries) });
  }
  return { ok: true, statement: { type: o['_type'], predicateType: o['predicateType'], subjects: parsed, predicate: o['predicate'] } };
}

/**
 * The artifact must be one of the subjects: a subject matches when it shares at least one digest
 * algorithm with what is known about the artifact and every shared algorithm agrees.
 */
export function matchSubject(statement: InTotoStatement, digests: Readonly<Record<string, string>>): StageResult {
  const known = Object.entries(digests).map(([alg, hex]) => [alg, hex.toLowerCase()] as const);
  const hit = statement.subjects.find((s) => {
    const shared = known.filter(([alg]) => s.digest[alg] !== undefined);
    return shared.length > 0 && shared.every(([alg, hex]) => s.digest[alg]?.toLowerCase() === hex);
  });
  if (hit) {
    return { status: 'pass', code: 'STATEMENT_SUBJECT_MATCHED', message: `the artifact is subject ${JSON.stringify(hit.name ?? '')} of the statement` };
  }
  const want = known.map(([alg, hex]) => `${alg}:${hex}`).join(', ');
  const found = statement.subjects.slice(0, 5).map((s) => `${s.name ?? ''}@${Object.entries(s.digest).map(([a, h]) => `${a}:${h}`).join('+')}`).join(', ');
  return { status: 'fail', code: 'STATEMENT_SUBJECT_MISMATCH', message: `the artifact (${want}) is not a subject of the statement`, expected: want, found };
}
