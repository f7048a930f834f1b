/**
 * The JSON Schema of a policy document. It lives here as a module (the policy module does no I/O)
 * and is published as policies/policy.schema.json for editors; a test keeps the two identical.
 *
 * The size caps are part of the schema on purpose: a policy is untrusted input to an admission
 * check, and the schema is the first place a hostile document is turned away.
 */
const NAME = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';
const ISO_DATE_OR_TIME = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const CEL = { type: 'string', minLength: 1, maxLength: 8192 };
const TEXT = { type: 'string', minLength: 1, maxLength: 2048, pattern: '\\S' };

export const POLICY_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://vouch.dev/schemas/policy/v1.json',
  title: 'vouch policy (apiVersion vouch.dev/v1, kind Policy)',
  description: 'Rules are CEL expressions over the Evidence; see docs/policy.md.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'vouch.dev/v1' },
    kind: { const: 'Policy' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: NAME, description: 'lower-case letters, digits and dashes' },
        description: TEXT,
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['rules'],
      properties: {
        rules: { type: 'array', minItems: 1, maxItems: 500, items: { $ref: '#/definitions/rule' } },
        waivers: { type: 'array', maxItems: 1000, items: { $ref: '#/definitions/waiver' } },
      },
    },
  },
  definitions: {
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'expression', 'message'],
      properties: {
        name: { type: 'string', pattern: NAME },
        severity: { enum: ['error', 'warning'], description: 'error (default) fails the verdict; warning is only reported' },
        match: { ...CEL, description: 'CEL guard: when false the rule does not apply to this subject' },
        expression: { ...CEL, description: 'CEL expression that must be true' },
        message: TEXT,
        description: TEXT,
      },
    },
    waiver: {
      type: 'object',
      additionalProperties: false,
      required: ['rule', 'subjects', 'reason', 'owner', 'expires'],
      properties: {
        rule: { type: 'string', pattern: NAME },
        subjects: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          items: { type: 'string', minLength: 1, maxLength: 1024 },
          description: 'globs over the subject reference or digest ("*" any run, "?" one character)',
        },
        reason: TEXT,
        owner: TEXT,
        expires: {
          type: 'string',
          pattern: ISO_DATE_OR_TIME,
          description: 'YYYY-MM-DD (through the end of that day, UTC) or an RFC 3339 time',
        },
      },
    },
  },
} as const;
