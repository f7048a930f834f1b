import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonical } from './cyclonedx-schema.js';
import { cycloneDxSchemaIssues, readSbomValidated } from './validated.js';
import { readSbom } from './read.js';

/**
 * Large and duplicate-laden documents (generated here, never committed): reading and schema
 * validation are linear. ajv's own `uniqueItems` compared every pair of components, so 40,000
 * took minutes and 300,000 never finished; the timeouts are hang guards only.
 */
function cycloneDx(count: number, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  const components = Array.from({ length: count }, (_, i) => ({ type: 'library', 'bom-ref': `c${i}`, name: `pkg-${i}`, version: '1.0.0', purl: `pkg:npm/pkg-${i}@1.0.0`, ...extra(i) }));
  const dependencies = components.map((c, i) => ({ ref: c['bom-ref'], dependsOn: i + 1 < count ? [`c${i + 1}`] : [] }));
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components, dependencies });
}

test('sbom: 300,000 CycloneDX components are read and schema-validated', { timeout: 240_000 }, async () => {
  const result = await readSbomValidated(cycloneDx(300_000));
  assert.equal(result.kind, 'sbom');
  if (result.kind !== 'sbom') return;
  assert.equal(result.document.packages.length, 300_000);
  assert.deepEqual(result.document.issues, []);
});

test('sbom: duplicate components are found by the linear uniqueItems, whatever the key order', { timeout: 60_000 }, async () => {
  const doc = JSON.parse(cycloneDx(50_000)) as { components: Record<string, unknown>[] };
  // The same component again, its fields in another order: equal as JSON, so a duplicate.
  const original = doc.components[123] as Record<string, unknown>;
  doc.components.push(Object.fromEntries(Object.entries(original).reverse()));
  const issues = await cycloneDxSchemaIssues(JSON.stringify(doc), '1.6');
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.path, '/components');
  assert.match(issues[0]?.reason ?? '', /duplicate items \(items ## 123 and 50000 are identical\)/);
});

test('sbom: items equal in every scalar field but not nested ones are distinct', { timeout: 60_000 }, async () => {
  // The hostile case for the cheap key: every component has the same scalar fields.
  const text = JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    components: Array.from({ length: 20_000 }, (_, i) => ({ type: 'library', name: 'same', properties: [{ name: 'n', value: String(i) }] })),
  });
  assert.deepEqual(await cycloneDxSchemaIssues(text, '1.6'), []);
  assert.equal(readSbom(text).kind, 'sbom');
});

test('sbom: SPDX 2.3 with 100,000 packages each described by a relationship reads in linear time', { timeout: 120_000 }, () => {
  const packages = Array.from({ length: 100_000 }, (_, i) => ({ SPDXID: `SPDXRef-Package-${i}`, name: `p-${i}`, downloadLocation: 'NOASSERTION' }));
  const relationships = packages.map((p) => ({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: p.SPDXID }));
  const text = JSON.stringify({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'big', documentNamespace: 'https://example.com/big', creationInfo: { created: '2025-01-01T00:00:00Z', creators: ['Tool: test'] }, packages, relationships });
  const result = readSbom(text);
  assert.equal(result.kind, 'sbom');
  if (result.kind !== 'sbom') return;
  assert.equal(result.document.describes?.length, 100_000);
  assert.deepEqual(result.document.issues, []);
});

test('sbom: canonical JSON text ignores key order and nothing else', () => {
  assert.equal(canonical({ b: 1, a: [1, { d: null, c: 'x' }] }), canonical({ a: [1, { c: 'x', d: null }], b: 1 }));
  assert.notEqual(canonical({ a: [1, 2] }), canonical({ a: [2, 1] }));
  assert.notEqual(canonical({ a: '1' }), canonical({ a: 1 }));
});
