/**
 * The JSON schema of the admission server's configuration file (docs/admission.md#configuration).
 * Every object is closed (additionalProperties: false): a misspelt key must not silently drop an
 * expectation, since a dropped expectation verifies less than the author meant.
 */

/** The verification keys of one image entry: the flag names of `vouch image`, so that both read alike. */
export const ENTRY_STRING_KEYS = [
  'key',
  'certificate-identity',
  'certificate-identity-regexp',
  'certificate-oidc-issuer',
  'certificate-oidc-issuer-regexp',
  'trusted-root',
  'source-uri',
  'source-branch',
  'source-tag',
  'source-versioned-tag',
  'builder-id',
  'docker-reference',
] as const;

const shortString = { type: 'string', minLength: 1, maxLength: 1024 } as const;

export const SERVE_CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'spec'],
  properties: {
    apiVersion: { const: 'vouch.dev/v1' },
    kind: { const: 'AdmissionConfig' },
    metadata: { type: 'object', additionalProperties: false, properties: { name: shortString } },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['images'],
      properties: {
        // What happens to an image no pattern matches; deny unless said otherwise (fail closed).
        unmatched: { enum: ['deny', 'allow', 'warn'] },
        // The platform an index is resolved to (a signature on the index counts for it).
        platform: { type: 'string', pattern: '^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$', maxLength: 64 },
        images: {
          type: 'array',
          minItems: 1,
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['pattern'],
            properties: {
              pattern: { type: 'string', minLength: 1, maxLength: 256 },
              mode: { enum: ['enforce', 'warn'] },
              policy: { type: 'array', minItems: 1, maxItems: 16, items: shortString },
              'insecure-ignore-tlog': { type: 'boolean' },
              'build-workflow-input': { type: 'array', maxItems: 64, items: shortString },
              // Admission through a verification summary (docs/vsa.md): the keys, verifiers and age it must have.
              'vsa-public-key': { type: 'array', minItems: 1, maxItems: 16, items: shortString },
              'vsa-verifier-id': { type: 'array', minItems: 1, maxItems: 16, items: shortString },
              'vsa-max-age': { type: 'string', minLength: 1, maxLength: 32 },
              ...Object.fromEntries(ENTRY_STRING_KEYS.map((k) => [k, shortString])),
            },
          },
        },
      },
    },
  },
} as const;
