import { createHash } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { VouchError } from '../errors.js';
import { compileExpression } from './compile.js';
import validatePolicySchema from './schema-validator.generated.js';
import type { Policy, PolicyRule, Waiver } from './types.js';
import { isCalendarDate } from './waivers.js';
import { yamlDepthProblem } from './yaml-depth.js';
import { locateProblems } from './problem-position.js';

/** A problem in a policy file, located by a JSON pointer into the document and, where the YAML has it, a line and column (1-based). */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** Caps that keep a hostile policy file from exhausting memory before any rule runs. */
export const MAX_POLICY_BYTES = 1 << 20;
/** yaml counts every expansion of an alias, so "billion laughs" stops at this many. */
export const MAX_ALIAS_COUNT = 100;

export interface PolicyCheck {
  /** Present only when there are no problems. */
  readonly policy?: Policy;
  readonly problems: readonly PolicyProblem[];
}

/**
 * Reads, validates and compiles a policy document in one pass, collecting every problem: YAML,
 * schema (ajv against policies/policy.schema.json), duplicate rules, waivers naming unknown rules,
 * bad expiry dates, and every CEL expression and guard (so one lint run lists them all).
 */
export function checkPolicyText(text: string, source: string): PolicyCheck {
  const problems: PolicyProblem[] = [];
  const doc = readYaml(text, problems);
  if (problems.length > 0) return { problems };
  const validate = schemaValidator();
  if (!validate(doc)) problems.push(...(validate.errors ?? []).map(toProblem));
  const spec = member(member(doc, 'spec'), 'rules');
  const rules = Array.isArray(spec) ? spec : [];
  const names = new Set<string>();
  rules.forEach((rule, i) => {
    const name = member(rule, 'name');
    if (typeof name === 'string' && names.has(name)) problems.push({ path: `/spec/rules/${i}/name`, message: `duplicate rule name ${name}` });
    if (typeof name === 'string') names.add(name);
    for (const field of ['match', 'expression'] as const) {
      const expr = member(rule, field);
      if (typeof expr !== 'string' || expr.length > 8192) continue;
      const { problem } = compileExpression(expr);
      if (problem) problems.push({ path: `/spec/rules/${i}/${field}`, message: problem });
    }
  });
  const waivers = member(member(doc, 'spec'), 'waivers');
  (Array.isArray(waivers) ? waivers : []).forEach((w, i) => {
    const rule = member(w, 'rule');
    if (typeof rule === 'string' && !names.has(rule)) problems.push({ path: `/spec/waivers/${i}/rule`, message: `unknown rule ${rule}` });
    const expires = member(w, 'expires');
    if (typeof expires === 'string' && !isCalendarDate(expires)) {
      problems.push({ path: `/spec/waivers/${i}/expires`, message: `not a valid date: ${expires}` });
    }
  });
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.message < b.message ? -1 : 1));
  if (problems.length > 0) return { problems: locateProblems(text, problems) };
  return { policy: toPolicy(doc as PolicyDocument, source, sha256(text)), problems };
}

/**
 * Parses a policy for evaluation.
 * @throws VouchError POLICY_INVALID with details.problems listing every problem.
 */
export function parsePolicy(text: string, source: string): Policy {
  const { policy, problems } = checkPolicyText(text, source);
  if (policy) return policy;
  const shown = problems.slice(0, 20).map((p) => `${p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}: ` : ''}${p.path || '/'}: ${p.message}`);
  throw new VouchError({
    code: 'POLICY_INVALID',
    message: `invalid policy ${source}: ${shown.join('; ')}${problems.length > shown.length ? `; and ${problems.length - shown.length} more` : ''}`,
    details: { source, problems },
    hints: [`run \`vouch policy lint ${source.startsWith('builtin:') ? source.slice(8) : source}\` to list every problem`],
  });
}

function readYaml(text: string, problems: PolicyProblem[]): unknown {
  if (text.length > MAX_POLICY_BYTES || Buffer.byteLength(text) > MAX_POLICY_BYTES) {
    problems.push({ path: '', message: `policy file is larger than ${MAX_POLICY_BYTES} bytes` });
    return undefined;
  }
  const deep = yamlDepthProblem(text);
  if (deep !== undefined) {
    problems.push({ path: '', message: `policy file is ${deep}` });
    return undefined;
  }
  try {
    // The core schema keeps dates as strings; unique keys reject ambiguous mappings.
    return parseYaml(text, { maxAliasCount: MAX_ALIAS_COUNT, uniqueKeys: true, prettyErrors: true, schema: 'core' });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
    const bomb = /alias/i.test(message) ? ` (more than ${MAX_ALIAS_COUNT} alias expansions are refused)` : '';
    const at = (err as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
    problems.push({ path: '', message: `not valid YAML: ${message}${bomb}`, ...(at !== undefined && { line: at.line, column: at.col }) });
    return undefined;
  }
}

interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** ajv's code for POLICY_SCHEMA, generated ahead of time (schema-codegen.ts): no compile per run. */
function schemaValidator(): SchemaValidator {
  return validatePolicySchema as SchemaValidator;
}

function toProblem(e: ErrorObject): PolicyProblem {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: `${e.instancePath}/${String(params['additionalProperty'])}`, message: 'unknown field' };
    case 'required':
      return { path: `${e.instancePath}/${String(params['missingProperty'])}`, message: 'required field is missing' };
    case 'const':
      return { path: e.instancePath, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'enum':
      return { path: e.instancePath, message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      if (/\/(expression|match)$/.test(e.instancePath)) return { path: e.instancePath, message: 'must be a string (quote CEL such as "true")' };
      return { path: e.instancePath, message: e.message ?? e.keyword };
    default:
      return { path: e.instancePath, message: e.message ?? e.keyword };
  }
}

interface PolicyDocument {
  readonly metadata: { readonly name: string; readonly description?: string };
  readonly spec: { readonly rules: readonly PolicyRule[]; readonly waivers?: readonly Waiver[] };
}

function toPolicy(doc: PolicyDocument, source: string, digest: string): Policy {
  const rules = doc.spec.rules.map((r) => ({ ...r, severity: r.severity ?? 'error' }));
  return { name: doc.metadata.name, source, digest, rules, waivers: doc.spec.waivers ?? [] };
}

function member(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
