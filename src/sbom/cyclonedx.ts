import type { IssueCollector, Json, JsonObject } from './issues.js';
import { arrayAt, isDateTime, isObject, kindOf, normalisePath, stringAt } from './issues.js';
import { licenseProblem } from './license.js';
import type { SbomChecksum, SbomDocument, SbomExternalRef, SbomFile, SbomPackage, SbomRelationship } from './model.js';
import { parsePurl } from './purl.js';

/**
 * CycloneDX 1.4-1.6 JSON into the model. @cyclonedx/cyclonedx-library validates against the
 * schema (cyclonedx-schema.ts) but has no reader, so the fields the model takes are decoded here,
 * strictly: types, unique bom-refs, dependencies that point at components, digests, purls and
 * license expressions. Components nest; the nesting is bounded and becomes CONTAINS relationships.
 */

const COMPONENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  '1.4': ['application', 'framework', 'library', 'container', 'operating-system', 'device', 'firmware', 'file'],
  '1.5': ['application', 'framework', 'library', 'container', 'platform', 'operating-system', 'device', 'device-driver', 'firmware', 'file', 'machine-learning-model', 'data'],
  '1.6': ['application', 'framework', 'library', 'container', 'platform', 'operating-system', 'device', 'device-driver', 'firmware', 'file', 'machine-learning-model', 'data', 'cryptographic-asset'],
};

const HASH_HEX: Readonly<Record<string, readonly number[]>> = {
  MD5: [32], 'SHA-1': [40], 'SHA-256': [64], 'SHA-384': [96], 'SHA-512': [128], 'SHA3-256': [64], 'SHA3-384': [96],
  'SHA3-512': [128], 'BLAKE2b-256': [64], 'BLAKE2b-384': [96], 'BLAKE2b-512': [128], BLAKE3: [64, 128],
};

interface State {
  readonly issues: IssueCollector;
  readonly version: string;
  readonly packages: SbomPackage[];
  readonly files: SbomFile[];
  readonly relationships: SbomRelationship[];
  readonly refs: Set<string>;
}

export function decodeCycloneDx(doc: JsonObject, specVersion: string, issues: IssueCollector): Omit<SbomDocument, 'issues' | 'warnings'> {
  const serial = stringAt(doc, 'serialNumber', '', issues);
  if (serial !== undefined && !/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(serial)) {
    issues.error('/serialNumber', 'must be a urn:uuid (RFC 4122)');
  }
  const version = doc['version'];
  if (version !== undefined && !(typeof version === 'number' && Number.isInteger(version) && version >= 1)) issues.error('/version', 'must be an integer >= 1');
  const state: State = { issues, version: specVersion, packages: [], files: [], relationships: [], refs: new Set() };
  const metadata = isObject(doc['metadata']) ? doc['metadata'] : {};
  if (doc['metadata'] !== undefined && !isObject(doc['metadata'])) issues.error('/metadata', `must be an object, found ${kindOf(doc['metadata'])}`);
  const created = stringAt(metadata, 'timestamp', '/metadata', issues);
  if (created !== undefined && !isDateTime(created)) issues.error('/metadata/timestamp', `not a date-time: ${created}`);
  const describes: string[] = [];
  if (metadata['component'] !== undefined) {
    const main = decodeComponent(metadata['component'], ['metadata', 'component'], state, 0, undefined);
    if (main) describes.push(main);
  }
  arrayAt(doc, 'components', '', issues).forEach((c, i) => decodeComponent(c, ['components', i], state, 0, undefined));
  arrayAt(doc, 'dependencies', '', issues).forEach((d, i) => decodeDependency(d, `/dependencies/${i}`, state));
  return {
    format: 'cyclonedx',
    specVersion,
    ...(serial !== undefined ? { namespace: serial } : {}),
    ...(created !== undefined ? { created } : {}),
    creators: creatorsOf(metadata, issues),
    packages: state.packages,
    files: state.files,
    relationships: state.relationships,
    describes,
  };
}

function creatorsOf(metadata: JsonObject, issues: IssueCollector): string[] {
  const creators: string[] = [];
  const tools = metadata['tools'];
  // 1.4: an array of tools; 1.5+: { components, services } (the array form is deprecated).
  const list: Json[] = Array.isArray(tools) ? tools : isObject(tools) ? [...arrayAt(tools, 'components', '/metadata/tools', issues), ...arrayAt(tools, 'services', '/metadata/tools', issues)] : [];
  if (tools !== undefined && !Array.isArray(tools) && !isObject(tools)) issues.error('/metadata/tools', `must be an array or an object, found ${kindOf(tools)}`);
  list.forEach((t) => {
    if (isObject(t) && typeof t['name'] === 'string') creators.push(`Tool: ${t['name']}${typeof t['version'] === 'string' ? `-${t['version']}` : ''}`);
  });
  arrayAt(metadata, 'authors', '/metadata', issues).forEach((a) => isObject(a) && typeof a['name'] === 'string' && creators.push(`Person: ${a['name']}`));
  for (const key of ['manufacture', 'manufacturer', 'supplier']) {
    const org = metadata[key];
    if (isObject(org) && typeof org['name'] === 'string') creators.push(`Organization: ${org['name']}`);
  }
  return creators;
}

/** Decodes one component (and its children); returns its id. */
function decodeComponent(value: Json | undefined, at: (string | number)[], s: State, depth: number, parent: string | undefined): string | undefined {
  const path = `/${at.join('/')}`;
  if (!isObject(value)) {
    s.issues.error(path, `must be an object, found ${kindOf(value)}`);
    return undefined;
  }
  if (depth >= s.issues.limits.maxDepth) {
    s.issues.error(path, `components nested deeper than ${s.issues.limits.maxDepth}`);
    return undefined;
  }
  const type = stringAt(value, 'type', path, s.issues, true);
  if (type !== undefined && !(COMPONENT_TYPES[s.version] ?? []).includes(type)) s.issues.error(`${path}/type`, `not a CycloneDX ${s.version} component type: ${type}`);
  const name = stringAt(value, 'name', path, s.issues, true) ?? '';
  const ref = stringAt(value, 'bom-ref', path, s.issues);
  if (ref !== undefined) {
    if (ref === '') s.issues.error(`${path}/bom-ref`, 'must not be empty');
    else if (s.refs.has(ref)) s.issues.error(`${path}/bom-ref`, `duplicate bom-ref ${ref}`);
    s.refs.add(ref);
  }
  const id = ref ?? `#${path}`;
  const purl = stringAt(value, 'purl', path, s.issues);
  if (purl !== undefined) {
    const parsed = parsePurl(purl);
    if ('error' in parsed) s.issues.error(`${path}/purl`, `not a package URL: ${parsed.error}`);
  }
  const checksums = decodeHashes(value, path, s.issues);
  if (type === 'file') {
    s.files.push({ id, path: normalisePath(name), checksums, ...(parent !== undefined ? { packageId: parent } : {}) });
  } else {
    const licenses = decodeLicenses(value, path, s.issues);
    const supplier = isObject(value['supplier']) && typeof value['supplier']['name'] === 'string' ? value['supplier']['name'] : undefined;
    const externalRefs: SbomExternalRef[] = arrayAt(value, 'externalReferences', path, s.issues).flatMap((r) =>
      isObject(r) && typeof r['url'] === 'string' ? [{ category: 'OTHER', type: String(r['type'] ?? ''), locator: r['url'] }] : [],
    );
    if (purl !== undefined) externalRefs.unshift({ category: 'PACKAGE-MANAGER', type: 'purl', locator: purl });
    const group = stringAt(value, 'group', path, s.issues);
    const version = stringAt(value, 'version', path, s.issues);
    s.packages.push({
      id,
      name: group ? `${group}/${name}` : name,
      ...(version !== undefined ? { version } : {}),
      ...(purl !== undefined ? { purl } : {}),
      ...licenses,
      ...(supplier !== undefined ? { supplier: `Organization: ${supplier}` } : {}),
      ...(type !== undefined ? { purpose: type.toUpperCase().replace(/-/g, '_') } : {}),
      checksums,
      externalRefs,
    });
  }
  if (parent !== undefined) s.relationships.push({ from: parent, type: 'CONTAINS', to: id });
  arrayAt(value, 'components', path, s.issues).forEach((c, i) => decodeComponent(c, [...at, 'components', i], s, depth + 1, id));
  return id;
}

function decodeHashes(value: JsonObject, path: string, issues: IssueCollector): SbomChecksum[] {
  return arrayAt(value, 'hashes', path, issues).flatMap((h, i) => {
    const at = `${path}/hashes/${i}`;
    if (!isObject(h)) {
      issues.error(at, `must be an object, found ${kindOf(h)}`);
      return [];
    }
    const alg = stringAt(h, 'alg', at, issues, true);
    const content = stringAt(h, 'content', at, issues, true);
    if (alg === undefined || content === undefined) return [];
    const lengths = HASH_HEX[alg];
    if (!lengths) {
      issues.error(`${at}/alg`, `not a CycloneDX hash algorithm: ${alg}`);
      return [];
    }
    if (!/^[0-9a-fA-F]+$/.test(content) || !lengths.includes(content.length)) {
      issues.error(`${at}/content`, `not a ${alg} digest in hex`);
      return [];
    }
    return [{ algorithm: alg.toLowerCase().replace(/-/g, ''), value: content.toLowerCase() }];
  });
}

function decodeLicenses(value: JsonObject, path: string, issues: IssueCollector): { licenseDeclared?: string; licenseConcluded?: string } {
  const declared: string[] = [];
  const concluded: string[] = [];
  arrayAt(value, 'licenses', path, issues).forEach((l, i) => {
    const at = `${path}/licenses/${i}`;
    if (!isObject(l)) return issues.error(at, `must be an object, found ${kindOf(l)}`);
    const license = isObject(l['license']) ? l['license'] : undefined;
    const text = typeof l['expression'] === 'string' ? l['expression'] : license ? (typeof license['id'] === 'string' ? license['id'] : undefined) : undefined;
    const name = license && typeof license['name'] === 'string' ? license['name'] : undefined;
    if (text === undefined && name === undefined) return issues.error(at, 'needs an expression, a license id or a license name');
    if (text !== undefined) {
      const problem = licenseProblem(text);
      if (problem) issues.warn(`${at}/${l['expression'] !== undefined ? 'expression' : 'license/id'}`, problem);
    }
    const ack = l['acknowledgement'] ?? license?.['acknowledgement'];
    (ack === 'concluded' ? concluded : declared).push(text ?? name ?? '');
  });
  const join = (list: string[]) => (list.length === 1 ? list[0] : list.map((x) => (/\s/.test(x) ? `(${x})` : x)).join(' AND '));
  return { ...(declared.length ? { licenseDeclared: join(declared) } : {}), ...(concluded.length ? { licenseConcluded: join(concluded) } : {}) };
}

function decodeDependency(d: Json, path: string, s: State): void {
  if (!isObject(d)) return s.issues.error(path, `must be an object, found ${kindOf(d)}`);
  const ref = stringAt(d, 'ref', path, s.issues, true);
  if (ref === undefined) return;
  if (!s.refs.has(ref)) s.issues.error(`${path}/ref`, `refers to no component: ${ref}`);
  arrayAt(d, 'dependsOn', path, s.issues).forEach((to, i) => {
    if (typeof to !== 'string') return s.issues.error(`${path}/dependsOn/${i}`, `must be a string, found ${kindOf(to)}`);
    if (!s.refs.has(to)) s.issues.error(`${path}/dependsOn/${i}`, `refers to no component: ${to}`);
    s.relationships.push({ from: ref, type: 'DEPENDS_ON', to });
  });
}
