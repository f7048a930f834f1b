import type { SbomIssue, SbomReadOptions, SbomReadResult } from './model.js';
import { readSbom } from './read.js';

/**
 * readSbom plus CycloneDX's official JSON schema, through @cyclonedx/cyclonedx-library's strict
 * validator (ajv over the schemas bundled in the library, remote $ref loading disabled by the
 * library, so validation never touches the network). The library is loaded lazily: most reads
 * are melange SPDX documents, and its schemas take a few hundred milliseconds to compile.
 */
export async function readSbomValidated(input: Uint8Array | string, options: SbomReadOptions = {}): Promise<SbomReadResult> {
  const result = readSbom(input, options);
  if (result.kind !== 'sbom' || result.document.format !== 'cyclonedx') return result;
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const schemaIssues = await cycloneDxSchemaIssues(text, result.document.specVersion);
  if (schemaIssues.length === 0) return result;
  return { kind: 'sbom', document: { ...result.document, issues: [...schemaIssues, ...result.document.issues] } };
}

interface AjvError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

const validators = new Map<string, { validate(data: string): Promise<unknown> }>();

/** Every schema violation as an issue (JSON pointer + reason); [] when the document is valid. */
export async function cycloneDxSchemaIssues(text: string, specVersion: string): Promise<SbomIssue[]> {
  let validator = validators.get(specVersion);
  if (!validator) {
    const { Validation, Spec } = await import('@cyclonedx/cyclonedx-library');
    const version = Object.values(Spec.Version).find((v) => v === specVersion);
    if (version === undefined) return [{ path: '/specVersion', reason: `no CycloneDX schema for version ${specVersion}` }];
    validator = new Validation.JsonStrictValidator(version);
    validators.set(specVersion, validator);
  }
  const errors = await validator.validate(text);
  if (errors === null) return [];
  const list: AjvError[] = Array.isArray(errors) ? (errors as AjvError[]) : [{ message: String(errors) }];
  return list.map((e) => ({
    path: e.instancePath ?? '',
    reason: `schema: ${e.message ?? 'invalid'}${e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''}`,
  }));
}
