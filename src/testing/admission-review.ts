/**
 * AdmissionReview v1 for tests: builders of real requests around objects made with
 * kubernetes-models (whose validate() checks them against the Kubernetes OpenAPI schemas), and a
 * JSON schema of the envelope. AdmissionReview is not a served resource, so it is in no OpenAPI
 * document and no package ships its schema: this one is written from the Go types of
 * k8s.io/api/admission/v1 (AdmissionReview, AdmissionRequest, AdmissionResponse), closed where
 * the Go structs are, so a misspelt field in vouch's answer fails.
 */
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';

const gvk = { type: 'object', required: ['group', 'version', 'kind'], additionalProperties: false, properties: { group: { type: 'string' }, version: { type: 'string' }, kind: { type: 'string' } } } as const;
const gvr = { type: 'object', required: ['group', 'version', 'resource'], additionalProperties: false, properties: { group: { type: 'string' }, version: { type: 'string' }, resource: { type: 'string' } } } as const;

export const ADMISSION_REVIEW_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'admission.k8s.io/v1' },
    kind: { const: 'AdmissionReview' },
    request: {
      type: 'object',
      required: ['uid', 'kind', 'resource', 'operation', 'userInfo'],
      additionalProperties: false,
      properties: {
        uid: { type: 'string', minLength: 1 },
        kind: gvk,
        resource: gvr,
        subResource: { type: 'string' },
        requestKind: gvk,
        requestResource: gvr,
        requestSubResource: { type: 'string' },
        name: { type: 'string' },
        namespace: { type: 'string' },
        operation: { enum: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] },
        userInfo: { type: 'object', properties: { username: { type: 'string' }, uid: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } }, extra: { type: 'object' } }, additionalProperties: false },
        object: {},
        oldObject: {},
        dryRun: { type: 'boolean' },
        options: {},
      },
    },
    response: {
      type: 'object',
      required: ['uid', 'allowed'],
      additionalProperties: false,
      properties: {
        uid: { type: 'string', minLength: 1 },
        allowed: { type: 'boolean' },
        status: {
          type: 'object',
          additionalProperties: false,
          properties: { code: { type: 'integer' }, message: { type: 'string' }, reason: { type: 'string' }, status: { type: 'string' }, metadata: { type: 'object' }, details: { type: 'object' } },
        },
        patch: { type: 'string', contentEncoding: 'base64' },
        patchType: { const: 'JSONPatch' },
        auditAnnotations: { type: 'object', additionalProperties: { type: 'string' } },
        warnings: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const;

const validator = new Ajv({ strict: false }).compile(ADMISSION_REVIEW_SCHEMA);

/** Throws unless `doc` is an AdmissionReview v1 as the schema above describes. */
export function assertAdmissionReview(doc: unknown): void {
  if (!validator(doc)) throw new Error(`not an AdmissionReview v1: ${JSON.stringify(validator.errors)}`);
}

const RESOURCES: Readonly<Record<string, { group: string; version: string; resource: string }>> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps' },
};

/** A CREATE AdmissionReview for `object` (validated against its schema first), as the API server sends it. */
export function reviewFor(object: { kind?: string; validate(): void; toJSON(): unknown }, opts: { dryRun?: boolean; namespace?: string; subResource?: string } = {}): Record<string, unknown> {
  object.validate();
  const kind = object.kind ?? '';
  const resource = RESOURCES[kind] ?? { group: '', version: 'v1', resource: kind.toLowerCase() };
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: resource.group, version: resource.version, kind },
      resource,
      ...(opts.subResource !== undefined && { subResource: opts.subResource }),
      namespace: opts.namespace ?? 'team-a',
      operation: opts.subResource !== undefined ? 'UPDATE' : 'CREATE',
      userInfo: { username: 'system:serviceaccount:team-a:deployer', groups: ['system:authenticated'] },
      object: object.toJSON(),
      dryRun: opts.dryRun ?? false,
    },
  };
  assertAdmissionReview(review);
  return review;
}
