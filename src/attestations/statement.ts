import { jsonDepthProblem } from '../evidence/index.js';
import { IN_TOTO_PAYLOAD_TYPE } from './dsse.js';
import { bad, isRecord, ok } from './outcome.js';
import type { Outcome } from './outcome.js';

export const STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'] as const;

export interface StatementSubject {
  readonly name?: string;
  /** Algorithm (lower case) → lower-case hex. */
  readonly digest: Readonly<Record<string, string>>;
}

export interface Statement {
  readonly type: (typeof STATEMENT_TYPES)[number];
  readonly subjects: readonly StatementSubject[];
  readonly predicateType: string;
  readonly predicate: Readonly<Record<string, unknown>>;
}

const HEX = /^[0-9a-f]+$/;
/** Hex length per algorithm; a subject digest must have the length its algorithm implies. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128, gitcommit: 40 };

/**
 * Reads an in-toto Statement (v0.1 or v1) from a DSSE payload. Refuses other payload types,
 * statements without subjects, subjects without a digest, malformed digests, and the same
 * subject name listed twice with different digests (which would let one statement vouch for two
 * different artifacts under one name).
 */
export function parseStatement(payloadType: string, payload: Buffer): Outcome<Statement> {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return bad('STATEMENT_PAYLOAD_TYPE', `payload type ${payloadType} is not ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  const text = payload.toString('utf8');
  // The payload is base64 inside its envelope, so the file's depth cap did not see it.
  const deep = jsonDepthProblem(text);
  if (deep !== undefined) return bad('STATEMENT_MALFORMED', `statement is ${deep}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return bad('STATEMENT_MALFORMED', 'statement is not JSON');
  }
  if (!isRecord(doc)) return bad('STATEMENT_MALFORMED', 'statement is not a JSON object');
  const type = doc['_type'];
  if (!STATEMENT_TYPES.includes(type as Statement['type'])) {
    return bad('STATEMENT_TYPE_UNKNOWN', `statement _type ${JSON.stringify(type)} is not an in-toto Statement v0.1 or v1`);
  }
  if (typeof doc['predicateType'] !== 'string' || doc['predicateType'] === '') {
    return bad('STATEMENT_MALFORMED', 'statement has no predicateType');
  }
  const predicate = doc['predicate'] ?? {};
  if (!isRecord(predicate)) return bad('STATEMENT_MALFORMED', 'statement predicate is not an object');
  const rawSubjects = doc['subject'];
  if (!Array.isArray(rawSubjects) || rawSubjects.length === 0) return bad('STATEMENT_NO_SUBJECT', 'statement has no subjects');
  const subjects: StatementSubject[] = [];
  const byName = new Map<string, string>();
  for (const [i, s] of rawSubjects.entries()) {
    const subject = readSubject(s, i);
    if (!subject.ok) return subject;
    const key = JSON.stringify(Object.entries(subject.value.digest).sort());
    const name = subject.value.name;
    if (name !== undefined) {
      const seen = byName.get(name);
      if (seen !== undefined && seen !== key) {
        return bad('STATEMENT_DUPLICATE_SUBJECT', `subject ${name} is listed twice with different digests`);
      }
      byName.set(name, key);
    }
    subjects.push(subject.value);
  }
  return ok({ type: type as Statement['type'], subjects, predicateType: doc['predicateType'], predicate });
}

function readSubject(value: unknown, index: number): Outcome<StatementSubject> {
  if (!isRecord(value) || !isRecord(value['digest'])) return bad('STATEMENT_SUBJECT_MALFORMED', `subject ${index} has no digest`);
  const digest: Record<string, string> = {};
  for (const [alg, hex] of Object.entries(value['digest'])) {
    if (typeof hex !== 'string') return bad('STATEMENT_SUBJECT_MALFORMED', `subject ${index} digest ${alg} is not a string`);
    const algorithm = alg.toLowerCase();
    const lower = hex.toLowerCase();
    const expectedLength = DIGEST_HEX_LENGTH[algorithm];
    if (expectedLength !== undefined && (lower.length !== expectedLength || !HEX.test(lower))) {
      return bad('STATEMENT_SUBJECT_MALFORMED', `subject ${index} digest ${alg} is not ${expectedLength} hex digits`);
    }
    digest[algorithm] = lower;
  }
  if (Object.keys(digest).length === 0) return bad('STATEMENT_SUBJECT_MALFORMED', `subject ${index} has an empty digest`);
  const name = value['name'];
  return ok({ digest, ...(typeof name === 'string' && name !== '' ? { name } : {}) });
}

/**
 * Whether the statement names the artifact among its subjects. Only digests of 256 bits or more
 * count (sha256, sha384, sha512): sha1 alone cannot bind an artifact. Every strong algorithm the
 * caller knows must agree; a subject that matches on one and contradicts on another is no match.
 */
export function findSubject(statement: Statement, artifact: Readonly<Record<string, string>>): StatementSubject | undefined {
  const strong = Object.entries(artifact).filter(([alg]) => ['sha256', 'sha384', 'sha512'].includes(alg));
  return statement.subjects.find((s) => {
    const shared = strong.filter(([alg]) => s.digest[alg] !== undefined);
    return shared.length > 0 && shared.every(([alg, hex]) => s.digest[alg] === hex.toLowerCase());
  });
}
