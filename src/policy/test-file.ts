import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { VouchError } from '../errors.js';
import type { Report, RuleStatus, Verdict } from '../report/types.js';
import { MAX_ALIAS_COUNT, MAX_POLICY_BYTES } from './parse.js';
import { yamlDepthProblem } from './yaml-depth.js';

/**
 * A policy test file (`*.test.yaml`, kind PolicyTest): policies, and cases of evidence with the
 * verdict and rule results they must give. `vouch policy test <dir>` runs them; see docs/policy.md.
 */
export interface PolicyTestFile {
  readonly name: string;
  /** Built-in names or paths relative to the test file. */
  readonly policies: readonly string[];
  readonly effectiveTime?: string;
  readonly cases: readonly PolicyTestCase[];
}

export interface PolicyTestCase {
  readonly name: string;
  /** A path (Evidence or Report JSON, relative to the test file) or an inline Evidence document. */
  readonly evidence: string | Readonly<Record<string, unknown>>;
  /** Top-level Evidence members replaced before evaluation (e.g. `signatures: []`). */
  readonly override?: Readonly<Record<string, unknown>>;
  readonly effectiveTime?: string;
  readonly expect: PolicyTestExpectation;
}

export interface PolicyTestExpectation {
  readonly verdict?: Verdict;
  /** "<policy>/<rule>" or "<rule>" -> status. */
  readonly rules?: Readonly<Record<string, RuleStatus>>;
  /** The evaluation must be refused with this error code (e.g. LIMIT_EXCEEDED). */
  readonly error?: string;
}

const TIME = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$' };
const EVIDENCE_MEMBERS = ['subject', 'checks', 'signatures', 'attestations', 'provenance', 'sbom', 'inventory', 'reconciliation', 'expectations', 'warnings'];

export const POLICY_TEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'vouch.dev/v1' },
    kind: { const: 'PolicyTest' },
    metadata: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['policies', 'cases'],
      properties: {
        policies: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        effectiveTime: TIME,
        cases: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'evidence', 'expect'],
            properties: {
              name: { type: 'string', minLength: 1 },
              evidence: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }] },
              override: { type: 'object', propertyNames: { enum: EVIDENCE_MEMBERS } },
              effectiveTime: TIME,
              expect: {
                type: 'object',
                additionalProperties: false,
                minProperties: 1,
                properties: {
                  verdict: { enum: ['pass', 'fail'] },
                  rules: { type: 'object', additionalProperties: { enum: ['pass', 'fail', 'waived', 'not-applicable'] } },
                  error: { type: 'string', pattern: '^[A-Z_]+$' },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

/**
 * Parses and validates a policy test file.
 * @throws VouchError POLICY_INVALID listing every problem with its path.
 */
export function parsePolicyTest(text: string, source: string): PolicyTestFile {
  let doc: unknown;
  try {
    if (text.length > MAX_POLICY_BYTES) throw new Error(`larger than ${MAX_POLICY_BYTES} bytes`);
    const deep = yamlDepthProblem(text);
    if (deep !== undefined) throw new Error(deep);
    doc = parseYaml(text, { maxAliasCount: MAX_ALIAS_COUNT, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  } catch (err) {
    throw new VouchError({ code: 'POLICY_INVALID', message: `invalid policy test ${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}` });
  }
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(POLICY_TEST_SCHEMA);
  if (!validator(doc)) {
    const problems = (validator.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? e.keyword }));
    throw new VouchError({
      code: 'POLICY_INVALID',
      message: `invalid policy test ${source}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      details: { source, problems },
    });
  }
  const d = doc as { metadata: { name: string }; spec: Omit<PolicyTestFile, 'name'> };
  return { name: d.metadata.name, ...d.spec };
}

/** The differences between what a case expected and what the evaluation gave; empty = passed. */
export function compareOutcome(expect: PolicyTestExpectation, outcome: Report | { readonly error: string; readonly message: string }): string[] {
  if ('error' in outcome) {
    if (expect.error === outcome.error) return [];
    return [`evaluation was refused: ${outcome.error}: ${outcome.message}${expect.error ? ` (expected ${expect.error})` : ''}`];
  }
  const diffs: string[] = [];
  if (expect.error) diffs.push(`expected the evaluation to be refused with ${expect.error}, but it gave verdict ${outcome.verdict}`);
  if (expect.verdict && expect.verdict !== outcome.verdict) diffs.push(`verdict: expected ${expect.verdict}, got ${outcome.verdict}`);
  for (const [key, want] of Object.entries(expect.rules ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const matches = outcome.results.filter((r) => `${r.policy}/${r.rule}` === key || r.rule === key);
    if (matches.length === 0) diffs.push(`rule ${key}: expected ${want}, but no such rule was evaluated`);
    else if (matches.length > 1) diffs.push(`rule ${key}: ambiguous, name it as <policy>/<rule>`);
    else if (matches[0]?.status !== want) {
      const got = matches[0];
      diffs.push(`rule ${key}: expected ${want}, got ${got?.status}${got?.reason ? ` (${got.reason})` : ''}`);
    }
  }
  return diffs;
}
