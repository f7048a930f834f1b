/**
 * Reads the VSA statement out of a payload whose signature has verified. The signer is trusted
 * to say what it verified, not to send well-formed data: every field is checked for type, lists
 * are capped, and anything that is not a VSA v1 statement is refused rather than half-read.
 */
import { jsonDepthProblem } from '../evidence/index.js';
import { VSA_PREDICATE_TYPE } from './types.js';
import type { ResourceDescriptor, VsaPredicate, VsaStatement } from './types.js';

/** Subjects, levels and input attestations a VSA may list; real ones list a handful. */
export const MAX_VSA_LIST = 10_000;

const STATEMENT_TYPES = new Set(['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1']);

export type StatementOutcome = { readonly ok: true; readonly statement: VsaStatement } | { readonly ok: false; readonly code: string; readonly message: string };

const bad = (message: string, code = 'VSA_MALFORMED'): StatementOutcome => ({ ok: false, code, message });

export function readVsaStatement(payload: Buffer): StatementOutcome {
  const text = payload.toString('utf8');
  const deep = jsonDepthProblem(text);
  if (deep !== undefined) return bad(`the VSA statement is ${deep}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return bad('the VSA statement is not JSON');
  }
  if (!isRecord(doc)) return bad('the VSA statement is not a JSON object');
  if (typeof doc['_type'] !== 'string' || !STATEMENT_TYPES.has(doc['_type'])) return bad(`the statement type ${JSON.stringify(doc['_type'])} is not an in-toto statement`);
  if (doc['predicateType'] !== VSA_PREDICATE_TYPE) return bad(`the predicate type ${JSON.stringify(doc['predicateType'])} is not ${VSA_PREDICATE_TYPE}`, 'VSA_PREDICATE_TYPE');
  const subject = descriptors(doc['subject'], 'subject');
  if (typeof subject === 'string') return bad(subject);
  if (subject.length === 0) return bad('the VSA names no subject');
  const p = doc['predicate'];
  if (!isRecord(p)) return bad('the VSA has no predicate object');
  const verifier = p['verifier'];
  if (!isRecord(verifier) || typeof verifier['id'] !== 'string') return bad('predicate.verifier.id is missing');
  for (const name of ['timeVerified', 'resourceUri', 'verificationResult'] as const) {
    if (typeof p[name] !== 'string') return bad(`predicate.${name} is missing or not a string`);
  }
  const levels = p['verifiedLevels'];
  if (!Array.isArray(levels) || levels.length > MAX_VSA_LIST || !levels.every((l) => typeof l === 'string')) return bad('predicate.verifiedLevels is not a list of strings');
  const policy = p['policy'] ?? {};
  if (!isRecord(policy)) return bad('predicate.policy is not an object');
  if (policy['uri'] !== undefined && typeof policy['uri'] !== 'string') return bad('predicate.policy.uri is not a string');
  const policyDigest = policy['digest'] === undefined ? undefined : digestSet(policy['digest']);
  if (policyDigest === null) return bad('predicate.policy.digest is not a digest set');
  const inputs = p['inputAttestations'] === undefined ? undefined : descriptors(p['inputAttestations'], 'predicate.inputAttestations');
  if (typeof inputs === 'string') return bad(inputs);
  const version = isRecord(verifier['version']) ? stringMap(verifier['version']) : undefined;
  const predicate: VsaPredicate = {
    verifier: { id: verifier['id'], ...(version && { version }) },
    timeVerified: p['timeVerified'] as string,
    resourceUri: p['resourceUri'] as string,
    policy: { ...(typeof policy['uri'] === 'string' && { uri: policy['uri'] }), ...(policyDigest && { digest: policyDigest }) },
    ...(inputs && { inputAttestations: inputs }),
    verificationResult: p['verificationResult'] as string,
    verifiedLevels: levels as string[],
    ...(typeof p['slsaVersion'] === 'string' && { slsaVersion: p['slsaVersion'] }),
  };
  return { ok: true, statement: { _type: doc['_type'], subject, predicateType: VSA_PREDICATE_TYPE, predicate } };
}

function descriptors(value: unknown, where: string): ResourceDescriptor[] | string {
  if (!Array.isArray(value)) return `${where} is not a list`;
  if (value.length > MAX_VSA_LIST) return `${where} lists more than ${MAX_VSA_LIST} entries`;
  const out: ResourceDescriptor[] = [];
  for (const [i, d] of value.entries()) {
    if (!isRecord(d)) return `${where}[${i}] is not an object`;
    const digest = digestSet(d['digest'] ?? {});
    if (digest === null) return `${where}[${i}].digest is not a digest set`;
    out.push({ ...(typeof d['name'] === 'string' && { name: d['name'] }), ...(typeof d['uri'] === 'string' && { uri: d['uri'] }), digest });
  }
  return out;
}

/** An in-toto digest set: algorithm names to strings; null when it is anything else. */
function digestSet(value: unknown): Record<string, string> | null {
  if (!isRecord(value)) return null;
  const out = stringMap(value);
  return Object.keys(out).length === Object.keys(value).length ? out : null;
}

function stringMap(value: Record<string, unknown>): Record<string, string> {
  // Object.create(null): a key named __proto__ stays a key, never a prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
