import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { VouchError } from '../errors.js';
import { POLICY_API_VERSION } from './types.js';
import type { Policy, PolicyRule, Waiver } from './types.js';

/** A problem in a policy file, located by a JSON-pointer-like path. */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

/** Caps that keep a hostile policy file from exhausting memory before any rule runs. */
const MAX_POLICY_BYTES = 1 << 20;
const MAX_ALIAS_COUNT = 100;

/**
 * Parses and validates a policy document. Every problem is collected (not only the first) and
 * reported together, so that `vouch policy lint` can list them all.
 * @throws VouchError POLICY_INVALID with details.problems when the document is not a valid policy.
 */
export function parsePolicy(text: string, source: string): Policy {
  const problems: PolicyProblem[] = [];
  const doc = readYaml(text, problems);
  const policy = problems.length === 0 ? decodePolicy(doc, source, sha256(text), problems) : undefined;
  if (!policy || problems.length > 0) {
    throw new VouchError({
      code: 'POLICY_INVALID',
      message: `invalid policy ${source}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      details: { source, problems },
    });
  }
  return policy;
}

function readYaml(text: string, problems: PolicyProblem[]): unknown {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) {
    problems.push({ path: '', message: `policy file is larger than ${MAX_POLICY_BYTES} bytes` });
    return undefined;
  }
  try {
    // maxAliasCount bounds alias expansion ("billion laughs"); unique keys reject ambiguous maps.
    return parseYaml(text, { maxAliasCount: MAX_ALIAS_COUNT, uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    problems.push({ path: '', message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

function decodePolicy(doc: unknown, source: string, digest: string, problems: PolicyProblem[]): Policy | undefined {
  if (!isRecord(doc)) {
    problems.push({ path: '', message: 'a policy must be a YAML mapping' });
    return undefined;
  }
  only(doc, ['apiVersion', 'kind', 'metadata', 'spec'], '', problems);
  if (doc['apiVersion'] !== POLICY_API_VERSION) problems.push({ path: '/apiVersion', message: `must be ${POLICY_API_VERSION}` });
  if (doc['kind'] !== 'Policy') problems.push({ path: '/kind', message: 'must be Policy' });
  const metadata = isRecord(doc['metadata']) ? doc['metadata'] : {};
  only(metadata, ['name', 'description'], '/metadata', problems);
  const name = str(metadata['name'], '/metadata/name', problems) ?? '';
  const spec = isRecord(doc['spec']) ? doc['spec'] : undefined;
  if (!spec) {
    problems.push({ path: '/spec', message: 'required mapping' });
    return undefined;
  }
  only(spec, ['rules', 'waivers'], '/spec', problems);
  const rules = list(spec['rules'], '/spec/rules', problems, true).map((r, i) => decodeRule(r, `/spec/rules/${i}`, problems));
  const waivers = list(spec['waivers'], '/spec/waivers', problems, false).map((w, i) =>
    decodeWaiver(w, `/spec/waivers/${i}`, problems),
  );
  const names = new Set<string>();
  rules.forEach((r, i) => {
    if (names.has(r.name)) problems.push({ path: `/spec/rules/${i}/name`, message: `duplicate rule name ${r.name}` });
    names.add(r.name);
  });
  waivers.forEach((w, i) => {
    if (!names.has(w.rule)) problems.push({ path: `/spec/waivers/${i}/rule`, message: `unknown rule ${w.rule}` });
  });
  return { name, source, digest, rules, waivers };
}

function decodeRule(value: unknown, path: string, problems: PolicyProblem[]): PolicyRule {
  const r = isRecord(value) ? value : {};
  if (!isRecord(value)) problems.push({ path, message: 'a rule must be a mapping' });
  only(r, ['name', 'severity', 'match', 'expression', 'message', 'description'], path, problems);
  const severity = r['severity'] ?? 'error';
  if (severity !== 'error' && severity !== 'warning') problems.push({ path: `${path}/severity`, message: 'must be error or warning' });
  const match = r['match'] === undefined ? undefined : str(r['match'], `${path}/match`, problems);
  const description = r['description'] === undefined ? undefined : str(r['description'], `${path}/description`, problems);
  return {
    name: str(r['name'], `${path}/name`, problems) ?? '',
    severity: severity === 'warning' ? 'warning' : 'error',
    expression: str(r['expression'], `${path}/expression`, problems) ?? 'false',
    message: str(r['message'], `${path}/message`, problems) ?? '',
    ...(match === undefined ? {} : { match }),
    ...(description === undefined ? {} : { description }),
  };
}

function decodeWaiver(value: unknown, path: string, problems: PolicyProblem[]): Waiver {
  const w = isRecord(value) ? value : {};
  if (!isRecord(value)) problems.push({ path, message: 'a waiver must be a mapping' });
  only(w, ['rule', 'subjects', 'reason', 'owner', 'expires'], path, problems);
  // YAML turns an unquoted 2027-03-31 into a Date; accept it and keep the ISO form.
  const expiresRaw = w['expires'] instanceof Date ? w['expires'].toISOString().slice(0, 10) : w['expires'];
  const expires = str(expiresRaw, `${path}/expires`, problems) ?? '';
  if (expires && Number.isNaN(Date.parse(expires))) problems.push({ path: `${path}/expires`, message: 'must be an ISO-8601 date' });
  const subjects = list(w['subjects'], `${path}/subjects`, problems, true).map(
    (s, i) => str(s, `${path}/subjects/${i}`, problems) ?? '',
  );
  return {
    rule: str(w['rule'], `${path}/rule`, problems) ?? '',
    subjects,
    reason: str(w['reason'], `${path}/reason`, problems) ?? '',
    owner: str(w['owner'], `${path}/owner`, problems) ?? '',
    expires,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function only(obj: Record<string, unknown>, allowed: readonly string[], path: string, problems: PolicyProblem[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push({ path: `${path}/${key}`, message: 'unknown field' });
  }
}

function str(value: unknown, path: string, problems: PolicyProblem[]): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.push({ path, message: 'required non-empty string' });
  return undefined;
}

function list(value: unknown, path: string, problems: PolicyProblem[], required: boolean): unknown[] {
  if (value === undefined && !required) return [];
  if (Array.isArray(value) && (value.length > 0 || !required)) return value;
  problems.push({ path, message: required ? 'required non-empty list' : 'must be a list' });
  return [];
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
