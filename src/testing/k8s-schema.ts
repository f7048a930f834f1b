/**
 * Validates Kubernetes manifests against the Kubernetes OpenAPI schemas, offline: the schemas
 * ship compiled inside the kubernetes-models package (a devDependency), one model per
 * apiVersion and kind, so a test needs no cluster and no download.
 *
 * The Kubernetes schemas type every field and enumerate the closed values (completionMode,
 * restartPolicy, podFailurePolicy actions), but they do not forbid unknown fields: the API server
 * drops those with a warning. So a misspelt field passes here as it would pass `kubectl apply`
 * unnoticed; `unknownFields` below catches misspellings of the fields a manifest relies on, and
 * tests assert those fields where Kubernetes reads them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** "batch/v1" → "kubernetes-models/batch/v1"; the core group "v1" → "kubernetes-models/v1". */
function modulePathOf(apiVersion: string, kind: string): string {
  // Both become a module path: only plain names, so a manifest cannot name another module.
  if (!/^(?:[a-z0-9.-]+\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/.test(apiVersion)) throw new Error(`apiVersion ${JSON.stringify(apiVersion)} is not a Kubernetes API version`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind)) throw new Error(`kind ${JSON.stringify(kind)} is not a Kubernetes kind`);
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * The schema violations of one object ([] when it is valid). An apiVersion/kind that
 * kubernetes-models does not know is itself a violation: nothing unvalidated passes.
 */
export async function validateK8sObject(doc: unknown): Promise<string[]> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['not a mapping'];
  const { apiVersion, kind } = doc as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind must be strings'];
  let ModelCtor: ModelClass;
  try {
    const mod = (await import(modulePathOf(apiVersion, kind))) as Record<string, ModelClass | undefined>;
    const ctor = mod[kind];
    if (!ctor) return [`no schema for ${apiVersion} ${kind}`];
    ModelCtor = ctor;
  } catch (err) {
    return [`no schema for ${apiVersion} ${kind}: ${(err as Error).message}`];
  }
  try {
    new ModelCtor(doc).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/** Every YAML document of a manifest file; a YAML syntax error throws. */
export function readManifests(path: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  if (!Array.isArray(docs)) throw new Error(`${path}: no YAML documents`);
  return docs.map((d, i) => {
    if (d.errors.length > 0) throw new Error(`${path}: document ${i}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as K8sObject;
  });
}

/**
 * The field names of one Kubernetes type (JobSpec, PodSpec, Container, ...), read from the type
 * declarations kubernetes-models generates from the same OpenAPI document as its schemas.
 */
export function fieldsOf(apiVersion: string, type: string): string[] {
  const file = fileURLToPath(import.meta.resolve(modulePathOf(apiVersion, type))).replace(/\.js$/, '.d.ts');
  const names = [...readFileSync(file, 'utf8').matchAll(/^ {4}"([A-Za-z0-9$_-]+)"\??:/gm)].map((m) => m[1] as string);
  if (names.length === 0) throw new Error(`no fields found for ${apiVersion} ${type} in ${file}`);
  return names;
}

/**
 * Keys of `value` that its Kubernetes type does not have: a misspelt key (`completionsMode`)
 * passes the schema and is dropped by the API server, so the manifest would silently lose it.
 */
export function unknownFields(value: unknown, apiVersion: string, type: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const known = fieldsOf(apiVersion, type);
  return Object.keys(value).filter((k) => !known.includes(k)).map((k) => `${type}.${k}`);
}
