import type { SbomChecksum, SbomDocument, SbomIssue, SbomPackage, SbomReadResult } from './model.js';

/**
 * Reads an SBOM from bytes or text: sniffs the format, then decodes into the one model.
 * Interim reader: SPDX 2.x JSON only, with the fields the apk checks need. The full readers
 * (SPDX 2.2/2.3/3.0, CycloneDX 1.4-1.6, schema validation) replace it behind this signature.
 */
export function readSbom(input: Uint8Array | string): SbomReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
  } catch (err) {
    return { kind: 'unrecognised', reason: `not JSON: ${(err as Error).message}` };
  }
  if (!isRecord(doc)) return { kind: 'unrecognised', reason: 'not a JSON object' };
  const spdxVersion = doc['spdxVersion'];
  if (typeof spdxVersion !== 'string') return { kind: 'unrecognised', reason: 'no spdxVersion: not an SPDX 2.x JSON document' };
  if (!/^SPDX-2\.[23]$/.test(spdxVersion)) return { kind: 'unsupported-version', format: 'spdx', specVersion: spdxVersion };
  const issues: SbomIssue[] = [];
  const packages: SbomPackage[] = (Array.isArray(doc['packages']) ? doc['packages'] : []).flatMap((p: unknown, i: number) => {
    if (!isRecord(p) || typeof p['name'] !== 'string' || typeof p['SPDXID'] !== 'string') {
      issues.push({ path: `/packages/${i}`, reason: 'package needs name and SPDXID' });
      return [];
    }
    const refs = Array.isArray(p['externalRefs']) ? p['externalRefs'].filter(isRecord) : [];
    const purl = refs.find((r) => r['referenceType'] === 'purl')?.['referenceLocator'];
    return [
      {
        id: p['SPDXID'],
        name: p['name'],
        ...opt('version', p['versionInfo']),
        ...opt('purl', purl),
        ...opt('licenseDeclared', p['licenseDeclared']),
        ...opt('licenseConcluded', p['licenseConcluded']),
        ...opt('supplier', p['supplier']),
        ...opt('originator', p['originator']),
        ...opt('downloadLocation', p['downloadLocation']),
        ...opt('purpose', p['primaryPackagePurpose']),
        ...(typeof p['filesAnalyzed'] === 'boolean' ? { filesAnalyzed: p['filesAnalyzed'] } : {}),
        checksums: checksumsOf(p['checksums']),
        externalRefs: refs.map((r) => ({
          category: String(r['referenceCategory'] ?? ''),
          type: String(r['referenceType'] ?? ''),
          locator: String(r['referenceLocator'] ?? ''),
        })),
      },
    ];
  });
  const info = isRecord(doc['creationInfo']) ? doc['creationInfo'] : {};
  const document: SbomDocument = {
    format: 'spdx',
    specVersion: spdxVersion,
    ...opt('name', doc['name']),
    ...opt('namespace', doc['documentNamespace']),
    ...opt('created', info['created']),
    creators: Array.isArray(info['creators']) ? info['creators'].filter((c): c is string => typeof c === 'string') : [],
    packages,
    files: (Array.isArray(doc['files']) ? doc['files'] : []).filter(isRecord).map((f) => ({
      id: String(f['SPDXID'] ?? ''),
      path: String(f['fileName'] ?? '').replace(/^(\.\/|\/)+/, ''),
      checksums: checksumsOf(f['checksums']),
    })),
    relationships: (Array.isArray(doc['relationships']) ? doc['relationships'] : []).filter(isRecord).map((r) => ({
      from: String(r['spdxElementId'] ?? ''),
      type: String(r['relationshipType'] ?? ''),
      to: String(r['relatedSpdxElement'] ?? ''),
    })),
    issues,
  };
  return { kind: 'sbom', document };
}

function checksumsOf(value: unknown): SbomChecksum[] {
  return (Array.isArray(value) ? value : []).filter(isRecord).map((c) => ({
    algorithm: String(c['algorithm'] ?? '').toLowerCase().replace(/-/g, ''),
    value: String(c['checksumValue'] ?? '').toLowerCase(),
  }));
}

function opt<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
