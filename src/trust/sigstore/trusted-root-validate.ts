/**
 * Structural validation of a Sigstore trusted_root.json before anything is built from it.
 *
 * @sigstore/verify's toTrustMaterial fills a missing validity start with the beginning of time and
 * a missing end with the end of time, and decodes base64 leniently. A trusted root is the anchor of
 * every decision, so vouch is strict here: every key and CA must carry a validity start (the
 * protobuf spec makes TimeRange.start required; sigstore-conformance
 * `trust-root-tlog-missing-validity-start_fail` requires rejecting such a root), every byte field
 * must be valid base64, and every certificate must parse.
 */
import { isStrictBase64 } from './base64.js';

export const TRUSTED_ROOT_MEDIA_TYPES: readonly string[] = [
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  'application/vnd.dev.sigstore.trustedroot.v0.1+json',
  'application/vnd.dev.sigstore.trustedroot.v0.2+json',
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns the problems found, each as "<json path>: <reason>"; empty means valid. */
export function validateTrustedRootJSON(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['/: not a JSON object'];
  if (typeof doc['mediaType'] !== 'string' || !TRUSTED_ROOT_MEDIA_TYPES.includes(doc['mediaType'])) {
    problems.push(`/mediaType: unknown trusted root media type ${JSON.stringify(doc['mediaType'])}`);
  }
  for (const field of ['tlogs', 'ctlogs'] as const) {
    listOf(doc, field, problems).forEach((log, i) => validateLog(log, `/${field}/${i}`, problems));
  }
  for (const field of ['certificateAuthorities', 'timestampAuthorities'] as const) {
    listOf(doc, field, problems).forEach((ca, i) => validateAuthority(ca, `/${field}/${i}`, problems));
  }
  return problems;
}

function listOf(doc: Json, field: string, problems: string[]): Json[] {
  const value = doc[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`/${field}: not a list`);
    return [];
  }
  return value.filter((v, i) => isObject(v) || (problems.push(`/${field}/${i}: not an object`), false)) as Json[];
}

function validateLog(log: Json, path: string, problems: string[]): void {
  if (typeof log['baseUrl'] !== 'string' || log['baseUrl'] === '') problems.push(`${path}/baseUrl: missing`);
  const logId = log['logId'];
  if (!isObject(logId) || !isStrictBase64(logId['keyId']) || logId['keyId'] === '') problems.push(`${path}/logId/keyId: missing or not base64`);
  const checkpointKeyId = log['checkpointKeyId'];
  if (checkpointKeyId !== undefined && (!isObject(checkpointKeyId) || !isStrictBase64(checkpointKeyId['keyId']))) {
    problems.push(`${path}/checkpointKeyId/keyId: not base64`);
  }
  const key = log['publicKey'];
  if (!isObject(key)) {
    problems.push(`${path}/publicKey: missing`);
    return;
  }
  if (!isStrictBase64(key['rawBytes']) || key['rawBytes'] === '') problems.push(`${path}/publicKey/rawBytes: missing or not base64`);
  if (typeof key['keyDetails'] !== 'string') problems.push(`${path}/publicKey/keyDetails: missing`);
  validateTimeRange(key['validFor'], `${path}/publicKey/validFor`, problems);
}

function validateAuthority(ca: Json, path: string, problems: string[]): void {
  const chain = ca['certChain'];
  const certs = isObject(chain) ? chain['certificates'] : undefined;
  if (!Array.isArray(certs) || certs.length === 0) {
    problems.push(`${path}/certChain/certificates: missing or empty`);
  } else {
    certs.forEach((c, i) => {
      if (!isObject(c) || !isStrictBase64(c['rawBytes']) || c['rawBytes'] === '') {
        problems.push(`${path}/certChain/certificates/${i}/rawBytes: missing or not base64`);
      }
    });
  }
  validateTimeRange(ca['validFor'], `${path}/validFor`, problems);
}

/** Time ranges are closed intervals with a required start; an end, when given, is not before it. */
function validateTimeRange(range: unknown, path: string, problems: string[]): void {
  if (!isObject(range)) {
    problems.push(`${path}: missing (a validity start is required)`);
    return;
  }
  const start = parseTime(range['start']);
  if (start === undefined) problems.push(`${path}/start: missing or not an RFC 3339 time`);
  if (range['end'] !== undefined) {
    const end = parseTime(range['end']);
    if (end === undefined) problems.push(`${path}/end: not an RFC 3339 time`);
    else if (start !== undefined && end < start) problems.push(`${path}: end is before start`);
  }
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
