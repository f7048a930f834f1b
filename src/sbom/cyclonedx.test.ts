import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { readSbom } from './read.js';
import { cycloneDxSchemaIssues, readSbomValidated } from './validated.js';

/** CycloneDX documents written by the CycloneDX library's own serializer, one per spec version. */
function cycloneDx(version: '1.4' | '1.5' | '1.6'): string {
  const bom = new CDX.Models.Bom();
  bom.serialNumber = 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79';
  bom.metadata.timestamp = new Date('2024-01-02T03:04:05Z');
  bom.metadata.component = new CDX.Models.Component(CDX.Enums.ComponentType.Container, 'alpine', { bomRef: 'img', version: '3.19' });
  const musl = new CDX.Models.Component(CDX.Enums.ComponentType.Library, 'musl', {
    bomRef: 'musl',
    version: '1.2.4-r2',
    purl: new PackageURL('apk', 'alpine', 'musl', '1.2.4-r2', { arch: 'x86_64' }, undefined).toString(),
  });
  musl.licenses.add(new CDX.Models.SpdxLicense('MIT'));
  musl.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], 'a'.repeat(64));
  const file = new CDX.Models.Component(CDX.Enums.ComponentType.File, '/lib/ld-musl-x86_64.so.1', { bomRef: 'file-1' });
  file.hashes.set(CDX.Enums.HashAlgorithm['SHA-1'], 'b'.repeat(40));
  musl.components.add(file);
  musl.dependencies.add(file.bomRef);
  bom.components.add(musl);
  const spec = { '1.4': CDX.Spec.Spec1dot4, '1.5': CDX.Spec.Spec1dot5, '1.6': CDX.Spec.Spec1dot6 }[version];
  return new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(spec)).serialize(bom, { sortLists: true });
}

for (const version of ['1.4', '1.5', '1.6'] as const) {
  test(`cyclonedx ${version}: reads the library's own output into the model`, async () => {
    const result = await readSbomValidated(cycloneDx(version));
    assert.equal(result.kind, 'sbom');
    if (result.kind !== 'sbom') return;
    const doc = result.document;
    assert.deepEqual(doc.issues, []);
    assert.equal(doc.format, 'cyclonedx');
    assert.equal(doc.specVersion, version);
    assert.deepEqual(doc.describes, ['img']);
    const musl = doc.packages.find((p) => p.name === 'musl');
    assert.equal(musl?.purl, 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64');
    assert.equal(musl?.licenseDeclared, 'MIT');
    assert.equal(musl?.purpose, 'LIBRARY');
    assert.deepEqual(musl?.checksums, [{ algorithm: 'sha256', value: 'a'.repeat(64) }]);
    assert.deepEqual(doc.files, [{ id: 'file-1', path: 'lib/ld-musl-x86_64.so.1', checksums: [{ algorithm: 'sha1', value: 'b'.repeat(40) }], packageId: 'musl' }]);
    assert.ok(doc.relationships.some((r) => r.from === 'musl' && r.type === 'DEPENDS_ON' && r.to === 'file-1'));
    assert.ok(doc.relationships.some((r) => r.from === 'musl' && r.type === 'CONTAINS' && r.to === 'file-1'));
  });
}

test('cyclonedx: unsupported versions and the schema are reported', async () => {
  const doc = JSON.parse(cycloneDx('1.6')) as Record<string, unknown>;
  assert.deepEqual(readSbom(JSON.stringify({ ...doc, specVersion: '1.2' })), { kind: 'unsupported-version', format: 'cyclonedx', specVersion: '1.2' });
  const extra = await readSbomValidated(JSON.stringify({ ...doc, surprise: true }));
  assert.ok(extra.kind === 'sbom' && extra.document.issues.some((i) => i.reason.startsWith('schema:')));
  assert.deepEqual(await cycloneDxSchemaIssues(cycloneDx('1.5'), '1.5'), []);
});

test('cyclonedx: field checks of the decoder', () => {
  const doc = JSON.parse(cycloneDx('1.6')) as { components: Record<string, unknown>[]; dependencies: Record<string, unknown>[] };
  const bad = structuredClone(doc);
  const first = bad.components[0] as Record<string, unknown> & { hashes: { alg: string; content: string }[] };
  first['purl'] = 'not a purl';
  first.hashes[0] = { alg: 'SHA-256', content: 'abc' };
  bad.components.push({ type: 'library', name: 'dup', 'bom-ref': 'musl' });
  bad.dependencies.push({ ref: 'ghost', dependsOn: ['musl'] });
  const result = readSbom(JSON.stringify(bad));
  assert.ok(result.kind === 'sbom');
  const paths = result.document.issues.map((i) => i.path);
  assert.ok(paths.includes('/components/0/purl'), paths.join(' '));
  assert.ok(paths.includes('/components/0/hashes/0/content'));
  assert.ok(paths.includes('/components/1/bom-ref'));
  assert.ok(paths.some((p) => p.endsWith('/ref')));
});

test('cyclonedx: every mutation the official schema rejects is flagged', async () => {
  const text = cycloneDx('1.6');
  const doc = JSON.parse(text) as Record<string, unknown>;
  const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
  const paths: string[][] = [[], ['metadata'], ['metadata', 'component'], ['components', '0'], ['components', '0', 'hashes', '0'], ['components', '0', 'licenses', '0'], ['components', '0', 'components', '0'], ['dependencies', '2']];
  let rejected = 0;
  for (const path of paths) {
    const target = path.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
    for (const key of Object.keys(target)) {
      for (const replacement of [42, null, 'x', [], {}, undefined]) {
        const copy = structuredClone(doc);
        const t = path.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, copy);
        if (replacement === undefined) delete t[key];
        else t[key] = replacement;
        const mutated = JSON.stringify(copy);
        if ((await validator.validate(mutated)) === null) continue;
        rejected++;
        const result = await readSbomValidated(mutated);
        const flagged = result.kind !== 'sbom' || result.document.issues.length > 0;
        assert.ok(flagged, `${path.join('/')}/${key} = ${JSON.stringify(replacement)}`);
      }
    }
  }
  assert.ok(rejected > 50, String(rejected));
});
