import type { SbomIssue, SbomReadOptions, SbomReadResult } from './model.js';
import { cycloneDxValidator } from './cyclonedx-schema.js';
import { readSbomKeepingJson } from './read.js';
import { parseUntrustedJson } from '../evidence/index.js';

/**
 * readSbom plus CycloneDX's official JSON schema, as @cyclonedx/cyclonedx-library's strict
 * validator applies it but in linear time (cyclonedx-schema.ts: ajv over the schemas bundled in
 * the library, remote $ref loading refused, so validation never touches the network). The schema
 * is compiled lazily: most reads are melange SPDX documents, and it takes a few hundred
 * milliseconds to compile.
 */
export function readSbomValidated(input: Uint8Array | string, options: SbomReadOptions = {}): Promise<SbomReadResult> {
  const { result, json } = readSbomKeepingJson(input, options);
  if (result.kind !== 'sbom' || result.document.format !== 'cyclonedx' || json === undefined) return Promise.resolve(result);
  const schemaIssues = schemaIssuesOf(json, result.document.specVersion);
  if (schemaIssues.length === 0) return Promise.resolve(result);
  return Promise.resolve({ kind: 'sbom', document: { ...result.document, issues: [...schemaIssues, ...result.document.issues] } });
}

/** Every schema violation as an issue (JSON pointer + reason); [] when the document is valid. */
export function cycloneDxSchemaIssues(text: string, specVersion: string): Promise<SbomIssue[]> {
  return Promise.resolve(schemaIssuesOf(parseUntrustedJson(text, 'CycloneDX SBOM'), specVersion));
}

function schemaIssuesOf(json: unknown, specVersion: string): SbomIssue[] {
  const validate = cycloneDxValidator(specVersion);
  if (validate === undefined) return [{ path: '/specVersion', reason: `no CycloneDX schema for version ${specVersion}` }];
  if (validate(json)) return [];
  return (validate.errors ?? [{ instancePath: '', message: 'invalid', params: {} }]).map((e) => ({
    path: e.instancePath,
    reason: `schema: ${e.message ?? 'invalid'}${Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''}`,
  }));
}
