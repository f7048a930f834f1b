import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { toSbomDocumentEvidence } from './evidence.js';
import type { SbomDocument } from './model.js';
import { readSbom } from './read.js';

const APK_SBOMS = 'chainguard-dev-apko/pkg/sbom/generator/spdx/testdata/apk_sboms';
const IMAGE_SBOMS = 'chainguard-dev-apko/pkg/sbom/generator/spdx/testdata/expected_image_sboms';
const MELANGE_GOLDEN = 'chainguard-dev-melange/pkg/build/testdata/goldenfiles/sboms';

function readDoc(path: string): SbomDocument {
  const result = readSbom(readFileSync(realdata(path)));
  assert.equal(result.kind, 'sbom', `${path}: ${JSON.stringify(result)}`);
  return (result as { document: SbomDocument }).document;
}

test('spdx 2.3: every real melange and apko SBOM reads without issues', needsRealdata(), () => {
  const dirs = [APK_SBOMS, IMAGE_SBOMS, MELANGE_GOLDEN, 'chainguard-dev-apko/internal/cli/testdata/golden/sboms'];
  let count = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(realdata(dir)).filter((n) => n.endsWith('.json'))) {
      const doc = readDoc(`${dir}/${name}`);
      assert.deepEqual(doc.issues, [], `${dir}/${name}`);
      count++;
    }
  }
  assert.ok(count >= 23, String(count));
});

test('spdx 2.3: a melange package SBOM in the model', needsRealdata(), () => {
  const doc = readDoc(`${APK_SBOMS}/unbound-1.23.0-r0.spdx.json`);
  assert.equal(doc.specVersion, 'SPDX-2.3');
  assert.equal(doc.name, 'apk-unbound-1.23.0-r0');
  assert.equal(doc.created, '2025-04-24T08:25:21Z');
  assert.deepEqual(doc.creators, ['Tool: melange (v0.23.9+dirty)', 'Organization: Chainguard, Inc']);
  assert.deepEqual(doc.describes, ['SPDXRef-Package-unbound-1.23.0-r0']);
  const [apk, config, source] = doc.packages;
  assert.equal(apk?.purl, 'pkg:apk/wolfi/unbound@1.23.0-r0?arch=x86_64');
  assert.equal(apk?.licenseDeclared, 'BSD-3-Clause');
  assert.equal(apk?.filesAnalyzed, false);
  assert.equal(config?.purl, 'pkg:github/wolfi-dev/os@23e8ff8479b39f3f2e97fdca28d814f0c434c39b#unbound.yaml');
  assert.equal(source?.version, 'release-1.23.0');
  assert.deepEqual(doc.relationships[0], { from: 'SPDXRef-Package-unbound-1.23.0-r0', type: 'DESCRIBED_BY', to: config?.id });
});

test('spdx 2.3: melange spellings outside the spec are warnings, not issues', needsRealdata(), () => {
  const doc = readDoc(`${MELANGE_GOLDEN}/7zip-two-fetches-2301-r3.spdx.json`);
  assert.deepEqual(doc.issues, []);
  assert.deepEqual(doc.warnings?.map((w) => w.path), ['/packages/0/primaryPackagePurpose']);
  assert.equal(doc.packages[0]?.purpose, 'OPERATING_SYSTEM');
  const source = doc.packages.find((p) => p.purpose === 'SOURCE');
  assert.equal(source?.checksums[0]?.algorithm, 'sha512');
  assert.equal(source?.downloadLocation, 'https://7-zip.org/a/7z2301-src.tar.xz');
});

test('spdx 2.2 and 2.3 official examples, with files and their owners', needsRealdata(), () => {
  const v22 = readDoc('spdx-spdx-spec/example-v2.2.spdx.json');
  assert.deepEqual(v22.issues, []);
  assert.equal(v22.warnings, undefined);
  const v23 = readDoc('spdx-spdx-spec/example-v2.3.spdx.json');
  assert.deepEqual(v23.issues, []);
  assert.ok(v23.files.length > 0 && v23.files.every((f) => !f.path.startsWith('/') && !f.path.startsWith('./')));
  assert.ok(v23.files.some((f) => f.packageId !== undefined));
  assert.ok(v23.files.every((f) => f.checksums.every((c) => /^[0-9a-f]+$/.test(c.value))));
});

test('spdx 3.0.1: the official example in the model', needsRealdata(), () => {
  const doc = readDoc('spdx-spdx-spec/spdx3-package_sbom.json');
  assert.deepEqual(doc.issues, []);
  assert.equal(doc.specVersion, '3.0.1');
  assert.equal(doc.namespace, 'http://spdx.example.com/Document1');
  assert.deepEqual(doc.creators, ['Person: Joshua Watt']);
  assert.deepEqual(doc.describes, ['http://spdx.example.com/BOM1']);
  assert.equal(doc.packages[0]?.name, 'my-package');
  assert.equal(doc.packages[0]?.version, '1.0');
  assert.equal(doc.packages[0]?.originator, 'Person: Joshua Watt');
  assert.deepEqual(doc.files.map((f) => [f.path, f.packageId]), [['myprogram', 'http://spdx.example.com/Package1']]);
  assert.deepEqual(doc.relationships, [{ from: 'http://spdx.example.com/Package1', type: 'CONTAINS', to: 'http://spdx.example.com/Package1/myprogram' }]);
});

test('sniffing: not an SBOM, unsupported versions, unreadable input', needsRealdata(), () => {
  assert.equal(readSbom(readFileSync(realdata('chainguard-dev-apko/internal/cli/testdata/base_image/sboms/sbom-x86_64.spdx.json'))).kind, 'unrecognised');
  assert.equal(readSbom('{"hello": 1}').kind, 'unrecognised');
  assert.equal(readSbom('[1]').kind, 'unrecognised');
  assert.equal(readSbom(new Uint8Array([0x7b, 0xff, 0x7d])).kind, 'unrecognised');
  assert.deepEqual(readSbom('{"spdxVersion": "SPDX-2.1"}'), { kind: 'unsupported-version', format: 'spdx', specVersion: 'SPDX-2.1' });
  assert.deepEqual(readSbom('{"@context": "https://spdx.org/rdf/4.0.0/spdx-context.jsonld"}').kind, 'unsupported-version');
  assert.equal(readSbom('['.repeat(100_000)).kind, 'unrecognised');
});

test('limits: size, element count and issue count are capped', () => {
  assert.equal(readSbom('{"spdxVersion":"SPDX-2.3"}', { limits: { maxBytes: 10 } }).kind, 'unrecognised');
  const many = JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: Array.from({ length: 20 }, () => ({})) });
  assert.equal(readSbom(many, { limits: { maxElements: 10 } }).kind, 'unrecognised');
  const result = readSbom(many, { limits: { maxIssues: 5 } });
  assert.ok(result.kind === 'sbom');
  assert.equal(result.document.issues.length, 6);
  assert.match(result.document.issues[5]?.reason ?? '', /more issues not listed/);
});

test('spdx 2: semantic checks beyond the schema', () => {
  const doc = {
    SPDXID: 'SPDXRef-DOCUMENT', spdxVersion: 'SPDX-2.3', name: 'x', dataLicense: 'CC0-1.0', documentNamespace: 'https://example.com/x',
    creationInfo: { created: 'yesterday', creators: ['Robot'] },
    packages: [
      { SPDXID: 'SPDXRef-a', name: 'a', downloadLocation: 'NOASSERTION', checksums: [{ algorithm: 'SHA256', checksumValue: 'abc' }], externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'nope' }] },
      { SPDXID: 'SPDXRef-a', name: 'b', downloadLocation: 'NOASSERTION' },
    ],
    files: [{ SPDXID: 'SPDXRef-f', fileName: '../etc/passwd', checksums: [{ algorithm: 'SHA1', checksumValue: 'a'.repeat(40) }] }],
    relationships: [{ spdxElementId: 'SPDXRef-a', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-ghost' }],
  };
  const result = readSbom(JSON.stringify(doc));
  assert.ok(result.kind === 'sbom');
  const paths = result.document.issues.map((i) => i.path).sort();
  assert.deepEqual(paths, [
    '/creationInfo/created', '/creationInfo/creators/0', '/files/0/fileName', '/packages/0/checksums/0/checksumValue',
    '/packages/0/externalRefs/0/referenceLocator', '/packages/1/SPDXID', '/relationships/0/relatedSpdxElement',
  ]);
});

test('evidence summary is sorted and complete', needsRealdata(), () => {
  const doc = readDoc(`${APK_SBOMS}/unbound-1.23.0-r0.spdx.json`);
  const evidence = toSbomDocumentEvidence('var/lib/db/sbom/unbound-1.23.0-r0.spdx.json', doc);
  assert.equal(evidence.packages.length, 3);
  assert.deepEqual(evidence.packages.map((p) => p.name), ['unbound', 'unbound', 'unbound.yaml']);
  assert.equal(evidence.fileCount, 0);
  assert.deepEqual(evidence.issues, []);
});
