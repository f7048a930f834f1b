/**
 * Reading large SBOMs against the floor, JSON.parse of the same bytes: CycloneDX 1.6 read and
 * schema-validated (`vouch sbom FILE` minus printing), SPDX 2.3 and SPDX 3.0 read, at 40,000 and
 * 300,000 components/packages (generated here; never committed). Target: linear, so the ratio to
 * the floor stays the same from 40k to 300k. Before the linear uniqueItems (src/sbom/cyclonedx-
 * schema.ts) CycloneDX took 26 s at 10,000 components and did not finish at 300,000.
 */
import { readSbom, readSbomValidated } from '../dist/sbom/index.js';

function cycloneDx(n: number): Buffer {
  const components = Array.from({ length: n }, (_, i) => ({ type: 'library', 'bom-ref': `pkg:npm/p-${i}@1.0.${i % 100}`, name: `p-${i}`, version: `1.0.${i % 100}`, purl: `pkg:npm/p-${i}@1.0.${i % 100}` }));
  const dependencies = components.map((c, i) => ({ ref: c['bom-ref'], dependsOn: i + 1 < n ? [`pkg:npm/p-${i + 1}@1.0.${(i + 1) % 100}`] : [] }));
  return Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, metadata: { timestamp: '2025-01-01T00:00:00Z' }, components, dependencies }));
}

function spdx2(n: number): Buffer {
  const packages = Array.from({ length: n }, (_, i) => ({ SPDXID: `SPDXRef-Package-${i}`, name: `p-${i}`, versionInfo: '1.0.0', downloadLocation: 'NOASSERTION', filesAnalyzed: false, externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/p-${i}@1.0.0` }] }));
  const relationships = packages.map((p) => ({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: p.SPDXID }));
  return Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'bench', documentNamespace: 'https://example.com/bench', creationInfo: { created: '2025-01-01T00:00:00Z', creators: ['Tool: bench'] }, packages, relationships }));
}

function spdx3(n: number): Buffer {
  const ci = '_:creationinfo';
  const graph: unknown[] = [
    { type: 'CreationInfo', '@id': ci, specVersion: '3.0.1', created: '2025-01-01T00:00:00Z', createdBy: ['urn:bench:agent'] },
    { type: 'Tool', spdxId: 'urn:bench:agent', name: 'bench', creationInfo: ci },
    { type: 'SpdxDocument', spdxId: 'urn:bench:doc', creationInfo: ci, rootElement: ['urn:bench:pkg-0'] },
  ];
  for (let i = 0; i < n; i++) graph.push({ type: 'software_Package', spdxId: `urn:bench:pkg-${i}`, name: `p-${i}`, software_packageVersion: '1.0.0', software_packageUrl: `pkg:npm/p-${i}@1.0.0`, creationInfo: ci });
  for (let i = 1; i < n; i++) graph.push({ type: 'Relationship', spdxId: `urn:bench:rel-${i}`, from: 'urn:bench:pkg-0', relationshipType: 'dependsOn', to: [`urn:bench:pkg-${i}`], creationInfo: ci });
  return Buffer.from(JSON.stringify({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': graph }));
}

async function time(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function run(): Promise<void> {
  await readSbomValidated(cycloneDx(10)); // compiles the CycloneDX schema outside the timing
  console.log('| document | n | MiB | floor: JSON.parse ms | vouch ms | ratio | issues |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of [40_000, 300_000]) {
    for (const [name, make, read] of [
      ['CycloneDX 1.6 (schema-validated)', cycloneDx, (b: Buffer) => readSbomValidated(b, { limits: { maxBytes: 256 * 1024 ** 2 } })],
      ['SPDX 2.3', spdx2, (b: Buffer) => readSbom(b, { limits: { maxBytes: 256 * 1024 ** 2 } })],
      ['SPDX 3.0', spdx3, (b: Buffer) => readSbom(b, { limits: { maxBytes: 256 * 1024 ** 2 } })],
    ] as const) {
      const bytes = make(n);
      const floor = await time(() => JSON.parse(bytes.toString('utf8')));
      let issues = -1;
      const vouch = await time(async () => {
        const result = await read(bytes);
        issues = result.kind === 'sbom' ? result.document.issues.length : -1;
      });
      console.log(`| ${name} | ${n} | ${(bytes.length / 1024 ** 2).toFixed(1)} | ${floor.toFixed(0)} | ${vouch.toFixed(0)} | ${(vouch / floor).toFixed(1)} | ${issues} |`);
    }
  }
}
