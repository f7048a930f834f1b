import type { IssueCollector, JsonObject } from './issues.js';
import { arrayAt, isDateTime, isObject, normalisePath, stringAt } from './issues.js';
import { licenseProblem } from './license.js';
import type { SbomChecksum, SbomDocument, SbomExternalRef, SbomFile, SbomPackage, SbomRelationship } from './model.js';
import { parsePurl } from './purl.js';
import { checkShape, SPDX2_DOCUMENT } from './spdx2-shape.js';

/**
 * SPDX 2.2/2.3 JSON into the model: the shape check (spdx2-shape.ts) for structure, then the rules
 * the JSON schema cannot say (identifier syntax, unique ids, relationships that point somewhere,
 * digest lengths, license expressions, purls, timestamps), each reported with its JSON pointer.
 */

const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;
const EXTERNAL_ID = /^DocumentRef-[A-Za-z0-9.-]+:SPDXRef-[A-Za-z0-9.-]+$/;
const CREATOR = /^(Tool|Organization|Person): \S/;

/** Hex digits per algorithm (SPDX 2.3 §7.10); absent: variable length. */
const DIGEST_HEX: Readonly<Record<string, number>> = {
  SHA1: 40, SHA224: 56, SHA256: 64, SHA384: 96, SHA512: 128, MD2: 32, MD4: 32, MD5: 32, ADLER32: 8,
  'SHA3-256': 64, 'SHA3-384': 96, 'SHA3-512': 128, 'BLAKE2b-256': 64, 'BLAKE2b-384': 96, 'BLAKE2b-512': 128,
};

export function decodeSpdx2(doc: JsonObject, specVersion: string, issues: IssueCollector): Omit<SbomDocument, 'issues' | 'warnings'> {
  checkShape(doc, SPDX2_DOCUMENT, [], issues);
  if (specVersion === 'SPDX-2.2') {
    // PACKAGE_MANAGER / PERSISTENT_ID are the correct spellings in 2.2.
    issues.warnings.splice(0, issues.warnings.length, ...issues.warnings.filter((w) => !w.path.endsWith('/referenceCategory')));
  }
  const documentId = stringAt(doc, 'SPDXID', '', issues);
  if (documentId !== undefined && documentId !== 'SPDXRef-DOCUMENT') issues.warn('/SPDXID', `the document's SPDXID must be SPDXRef-DOCUMENT, found ${documentId}`);
  const dataLicense = stringAt(doc, 'dataLicense', '', issues);
  if (dataLicense !== undefined && dataLicense !== 'CC0-1.0') issues.error('/dataLicense', `must be CC0-1.0, found ${dataLicense}`);
  const namespace = stringAt(doc, 'documentNamespace', '', issues);
  if (namespace !== undefined && (!URL.canParse(namespace) || namespace.includes('#'))) issues.error('/documentNamespace', 'must be an absolute URI without "#"');
  const info = isObject(doc['creationInfo']) ? doc['creationInfo'] : {};
  const created = stringAt(info, 'created', '/creationInfo', issues);
  if (created !== undefined && !isDateTime(created)) issues.error('/creationInfo/created', `not a date-time: ${created}`);
  const creators = arrayAt(info, 'creators', '/creationInfo', issues).filter((c): c is string => typeof c === 'string');
  creators.forEach((c, i) => CREATOR.test(c) || issues.error(`/creationInfo/creators/${i}`, 'must start with "Tool: ", "Organization: " or "Person: "'));

  const ids = new Set<string>(documentId ? [documentId] : []);
  const claim = (id: string | undefined, path: string): void => {
    if (id === undefined) return;
    if (!SPDX_ID.test(id)) issues.error(path, `not an SPDX identifier (SPDXRef-[A-Za-z0-9.-]+): ${id}`);
    else if (ids.has(id)) issues.error(path, `duplicate SPDXID ${id}`);
    ids.add(id);
  };
  const packages = arrayAt(doc, 'packages', '', issues).flatMap((p, i) => (isObject(p) ? [decodePackage(p, `/packages/${i}`, issues, claim)] : []));
  const files = arrayAt(doc, 'files', '', issues).flatMap((f, i) => (isObject(f) ? [decodeFile(f, `/files/${i}`, issues, claim)] : []));
  arrayAt(doc, 'snippets', '', issues).forEach((s, i) => isObject(s) && claim(stringAt(s, 'SPDXID', `/snippets/${i}`, issues), `/snippets/${i}/SPDXID`));

  const known = (id: string) => ids.has(id) || EXTERNAL_ID.test(id) || id === 'NONE' || id === 'NOASSERTION';
  const relationships: SbomRelationship[] = [];
  arrayAt(doc, 'relationships', '', issues).forEach((r, i) => {
    if (!isObject(r)) return;
    const path = `/relationships/${i}`;
    const from = stringAt(r, 'spdxElementId', path, issues);
    const type = stringAt(r, 'relationshipType', path, issues);
    const to = stringAt(r, 'relatedSpdxElement', path, issues);
    if (from !== undefined && !known(from)) issues.error(`${path}/spdxElementId`, `refers to no element of the document: ${from}`);
    if (to !== undefined && !known(to)) issues.error(`${path}/relatedSpdxElement`, `refers to no element of the document: ${to}`);
    if (from !== undefined && type !== undefined && to !== undefined) relationships.push({ from, type, to });
  });
  const describes = arrayAt(doc, 'documentDescribes', '', issues).filter((d): d is string => typeof d === 'string');
  describes.forEach((d, i) => known(d) || issues.error(`/documentDescribes/${i}`, `refers to no element of the document: ${d}`));
  // A Set beside the list: a document that describes each of its 100,000 packages by a
  // relationship made `includes` quadratic.
  const described = new Set(describes);
  const describe = (id: string) => described.has(id) || (described.add(id), describes.push(id));
  for (const r of relationships) {
    if (r.type === 'DESCRIBES' && r.from === documentId) describe(r.to);
    if (r.type === 'DESCRIBED_BY' && r.to === documentId) describe(r.from);
  }
  return {
    format: 'spdx',
    specVersion,
    ...opt('name', stringAt(doc, 'name', '', issues)),
    ...opt('namespace', namespace),
    ...opt('created', created),
    creators,
    packages,
    files: attachFiles(files, packages, relationships, doc),
    relationships,
    describes,
  };
}

type Claim = (id: string | undefined, path: string) => void;

function decodePackage(p: JsonObject, path: string, issues: IssueCollector, claim: Claim): SbomPackage {
  const id = stringAt(p, 'SPDXID', path, issues);
  claim(id, `${path}/SPDXID`);
  const externalRefs: SbomExternalRef[] = [];
  arrayAt(p, 'externalRefs', path, issues).forEach((r, i) => {
    if (!isObject(r)) return;
    const at = `${path}/externalRefs/${i}`;
    const category = (stringAt(r, 'referenceCategory', at, issues) ?? '').replace(/_/g, '-');
    const type = stringAt(r, 'referenceType', at, issues) ?? '';
    const locator = stringAt(r, 'referenceLocator', at, issues) ?? '';
    if (type === 'purl') {
      const parsed = parsePurl(locator);
      if ('error' in parsed) issues.error(`${at}/referenceLocator`, `not a package URL: ${parsed.error}`);
    }
    externalRefs.push({ category, type, locator });
  });
  for (const key of ['licenseDeclared', 'licenseConcluded'] as const) {
    const value = stringAt(p, key, path, issues);
    const problem = value === undefined ? undefined : licenseProblem(value);
    if (problem) issues.warn(`${path}/${key}`, problem);
  }
  const purpose = stringAt(p, 'primaryPackagePurpose', path, issues);
  const purl = externalRefs.find((r) => r.category === 'PACKAGE-MANAGER' && r.type === 'purl')?.locator;
  return {
    id: id ?? '',
    name: stringAt(p, 'name', path, issues) ?? '',
    ...opt('version', stringAt(p, 'versionInfo', path, issues)),
    ...opt('purl', purl),
    ...opt('licenseDeclared', stringAt(p, 'licenseDeclared', path, issues)),
    ...opt('licenseConcluded', stringAt(p, 'licenseConcluded', path, issues)),
    ...opt('supplier', stringAt(p, 'supplier', path, issues)),
    ...opt('originator', stringAt(p, 'originator', path, issues)),
    ...opt('downloadLocation', stringAt(p, 'downloadLocation', path, issues)),
    ...opt('purpose', purpose?.replace(/-/g, '_')),
    checksums: decodeChecksums(p, path, issues),
    externalRefs,
    ...(typeof p['filesAnalyzed'] === 'boolean' ? { filesAnalyzed: p['filesAnalyzed'] } : {}),
  };
}

function decodeFile(f: JsonObject, path: string, issues: IssueCollector, claim: Claim): SbomFile {
  const id = stringAt(f, 'SPDXID', path, issues);
  claim(id, `${path}/SPDXID`);
  const name = stringAt(f, 'fileName', path, issues) ?? '';
  const normalised = normalisePath(name);
  if (normalised.split('/').includes('..')) issues.error(`${path}/fileName`, 'file name contains ".."');
  return { id: id ?? '', path: normalised, checksums: decodeChecksums(f, path, issues) };
}

function decodeChecksums(obj: JsonObject, path: string, issues: IssueCollector): SbomChecksum[] {
  return arrayAt(obj, 'checksums', path, issues).flatMap((c, i) => {
    if (!isObject(c)) return [];
    const at = `${path}/checksums/${i}`;
    const algorithm = stringAt(c, 'algorithm', at, issues);
    const value = stringAt(c, 'checksumValue', at, issues);
    if (algorithm === undefined || value === undefined) return [];
    const length = DIGEST_HEX[algorithm];
    if (!/^[0-9a-fA-F]+$/.test(value) || (length !== undefined && value.length !== length)) {
      issues.error(`${at}/checksumValue`, `not a ${algorithm} digest in hex${length ? ` (${length} digits)` : ''}`);
      return [];
    }
    return [{ algorithm: algorithm.toLowerCase().replace(/-/g, ''), value: value.toLowerCase() }];
  });
}

/** Files belong to the package that CONTAINS them (or lists them in the deprecated hasFiles). */
function attachFiles(files: SbomFile[], packages: SbomPackage[], relationships: SbomRelationship[], doc: JsonObject): SbomFile[] {
  const owner = new Map<string, string>();
  for (const r of relationships) {
    if (r.type === 'CONTAINS') owner.set(r.to, r.from);
    if (r.type === 'CONTAINED_BY') owner.set(r.from, r.to);
  }
  const rawPackages = Array.isArray(doc['packages']) ? doc['packages'] : [];
  rawPackages.forEach((p) => {
    const id = isObject(p) ? p['SPDXID'] : undefined;
    if (!isObject(p) || !Array.isArray(p['hasFiles']) || typeof id !== 'string') return;
    for (const f of p['hasFiles']) if (typeof f === 'string' && !owner.has(f)) owner.set(f, id);
  });
  const packageIds = new Set(packages.map((p) => p.id));
  return files.map((f) => {
    const pkg = owner.get(f.id);
    return pkg !== undefined && packageIds.has(pkg) ? { ...f, packageId: pkg } : f;
  });
}

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value !== undefined && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}
