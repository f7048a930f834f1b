import type { IssueCollector, Json, JsonObject } from './issues.js';
import { isObject, kindOf, normalisePath } from './issues.js';
import { licenseProblem } from './license.js';
import type { SbomChecksum, SbomDocument, SbomExternalRef, SbomFile, SbomPackage, SbomRelationship } from './model.js';
import { parsePurl } from './purl.js';
import { checkProperties } from './spdx3-check.js';
import { SPDX3_CLASSES, SPDX3_INDIVIDUALS, SPDX3_PROPERTIES } from './spdx3-vocabulary.js';

/**
 * SPDX 3.0 JSON-LD (one @context, a @graph of typed nodes) into the model. Nodes refer to each
 * other by spdxId (IRI) or @id (blank node), or hold another node inline; inline nodes are lifted
 * into the graph so that every reference resolves the same way. Every reference the model follows
 * must resolve. Licenses are relationships to LicenseExpression nodes.
 */

interface Node {
  readonly node: JsonObject;
  readonly path: string;
  readonly type: string;
  readonly id: string;
}

const str = (o: JsonObject, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);
const list = (o: JsonObject, key: string): Json[] => (Array.isArray(o[key]) ? (o[key] as Json[]) : []);

export function decodeSpdx3(doc: JsonObject, contextVersion: string, issues: IssueCollector): Omit<SbomDocument, 'issues' | 'warnings'> {
  for (const key of Object.keys(doc)) if (key !== '@context' && key !== '@graph') issues.error(`/${key}`, `unknown property ${key}`);
  if (!Array.isArray(doc['@graph'])) issues.error('/@graph', `must be an array, found ${kindOf(doc['@graph'])}`);
  const nodes: Node[] = [];
  const byId = new Map<string, Node>();
  const inlineIds = new WeakMap<JsonObject, string>();
  const add = (value: JsonObject, path: string): void => {
    const node = checkNode(value, path, issues);
    if (!node) return;
    inlineIds.set(value, node.id);
    if (byId.has(node.id)) issues.error(path, `duplicate id ${node.id}`);
    byId.set(node.id, node);
    nodes.push(node);
    checkProperties(value, node.type, path, issues, add);
  };
  list(doc, '@graph').forEach((value, i) => (isObject(value) ? add(value, `/@graph/${i}`) : issues.error(`/@graph/${i}`, `must be an object, found ${kindOf(value)}`)));

  /** The id a reference names; an issue when it names nothing in the graph. */
  const ref = (value: Json | undefined, path: string): string | undefined => {
    if (isObject(value)) return inlineIds.get(value);
    if (typeof value !== 'string') return undefined;
    if (!byId.has(value) && !SPDX3_INDIVIDUALS.test(value)) issues.error(path, `refers to no element of the graph: ${value}`);
    return value;
  };
  const refs = (o: JsonObject, key: string, path: string): string[] =>
    list(o, key).flatMap((v, i) => {
      const id = ref(v, `${path}/${key}/${i}`);
      return id === undefined ? [] : [id];
    });

  for (const n of nodes) {
    if (n.type === 'CreationInfo' || !SPDX3_PROPERTIES[n.type] || ['Hash', 'ExternalIdentifier'].includes(n.type)) continue;
    if (!Object.hasOwn(n.node, 'creationInfo')) issues.error(n.path, 'missing required property creationInfo');
    else if (byId.get(ref(n.node['creationInfo'], `${n.path}/creationInfo`) ?? '')?.type !== 'CreationInfo') issues.error(`${n.path}/creationInfo`, 'must name a CreationInfo');
  }
  const infos = nodes.filter((n) => n.type === 'CreationInfo');
  if (infos.length === 0) issues.error('/@graph', 'no CreationInfo');
  const creators: string[] = [];
  for (const info of infos) {
    for (const key of ['specVersion', 'created', 'createdBy']) if (!Object.hasOwn(info.node, key)) issues.error(info.path, `missing required property ${key}`);
    for (const [key, tool] of [['createdBy', false], ['createdUsing', true]] as const) {
      for (const id of refs(info.node, key, info.path)) {
        const agent = byId.get(id);
        if (agent) creators.push(`${tool ? 'Tool: ' : agentPrefix(agent.type)}${str(agent.node, 'name') ?? id}`);
      }
    }
  }
  const relationships: SbomRelationship[] = [];
  for (const n of nodes.filter((x) => x.type === 'Relationship' || x.type === 'LifecycleScopedRelationship')) {
    for (const key of ['from', 'relationshipType', 'to']) if (!Object.hasOwn(n.node, key)) issues.error(n.path, `missing required property ${key}`);
    const from = ref(n.node['from'], `${n.path}/from`);
    const type = str(n.node, 'relationshipType');
    for (const to of refs(n.node, 'to', n.path)) if (from !== undefined && type !== undefined) relationships.push({ from, type: snake(type), to });
  }
  const firstTarget = new Map<string, string>();
  for (const r of relationships) if (!firstTarget.has(`${r.type} ${r.from}`)) firstTarget.set(`${r.type} ${r.from}`, r.to);
  const licenseOf = (id: string, type: string): string | undefined => {
    const target = firstTarget.get(`${type} ${id}`);
    return target === undefined ? undefined : str(byId.get(target)?.node ?? {}, 'simplelicensing_licenseExpression');
  };
  for (const n of nodes.filter((x) => x.type === 'simplelicensing_LicenseExpression')) {
    const expr = str(n.node, 'simplelicensing_licenseExpression');
    if (expr === undefined) issues.error(n.path, 'missing required property simplelicensing_licenseExpression');
    const problem = expr === undefined ? undefined : licenseProblem(expr);
    if (problem) issues.warn(`${n.path}/simplelicensing_licenseExpression`, problem);
  }
  const agentName = (id: string | undefined): string | undefined => {
    const agent = id === undefined ? undefined : byId.get(id);
    return agent ? `${agentPrefix(agent.type)}${str(agent.node, 'name') ?? agent.id}` : id;
  };
  const packages = nodes.filter((x) => x.type === 'software_Package').map((n) => decodePackage(n, issues, (v, p) => agentName(ref(v, p)), licenseOf));
  const owner = new Map(relationships.filter((r) => r.type === 'CONTAINS').map((r) => [r.to, r.from]));
  const files: SbomFile[] = nodes.filter((x) => x.type === 'software_File').map((n) => {
    const pkg = owner.get(n.id);
    if (str(n.node, 'name') === undefined) issues.error(n.path, 'a file needs its name (the path)');
    return { id: n.id, path: normalisePath(str(n.node, 'name') ?? ''), checksums: hashesOf(n, issues), ...(pkg !== undefined ? { packageId: pkg } : {}) };
  });
  const documents = nodes.filter((x) => x.type === 'SpdxDocument');
  if (documents.length !== 1) issues.error('/@graph', `must hold exactly one SpdxDocument, found ${documents.length}`);
  const describes: string[] = [];
  for (const c of nodes.filter((x) => ['SpdxDocument', 'software_Sbom', 'Bom', 'Bundle'].includes(x.type))) {
    const roots = refs(c.node, 'rootElement', c.path);
    refs(c.node, 'element', c.path);
    if (c === documents[0]) describes.push(...roots);
  }
  const info = infos[0]?.node ?? {};
  const name = documents[0] ? str(documents[0].node, 'name') : undefined;
  const created = str(info, 'created');
  return {
    format: 'spdx',
    specVersion: str(info, 'specVersion') ?? contextVersion,
    ...(name !== undefined ? { name } : {}),
    ...(documents[0] ? { namespace: documents[0].id } : {}),
    ...(created !== undefined ? { created } : {}),
    creators,
    packages,
    files,
    relationships,
    describes,
  };
}

/** Type and id of one node; undefined when it cannot be used at all. */
function checkNode(node: JsonObject, path: string, issues: IssueCollector): Node | undefined {
  const type = node['type'];
  if (typeof type !== 'string') {
    issues.error(path, Object.hasOwn(node, 'type') ? `type must be a string, found ${kindOf(type)}` : 'missing required property type');
    return undefined;
  }
  if (!SPDX3_CLASSES.has(type)) {
    issues.error(`${path}/type`, `not an SPDX 3 class: ${type}`);
    return undefined;
  }
  const spdxId = str(node, 'spdxId');
  const blank = str(node, '@id');
  if (spdxId !== undefined && (!/^\S+:\S+$/.test(spdxId) || spdxId.startsWith('_:'))) issues.error(`${path}/spdxId`, `not an IRI: ${spdxId}`);
  if (type !== 'CreationInfo' && SPDX3_PROPERTIES[type] && !['Hash', 'ExternalIdentifier'].includes(type) && spdxId === undefined) {
    issues.error(path, 'missing required property spdxId');
  }
  return { node, path, type, id: spdxId ?? blank ?? `_:inline${path}` };
}

type Ref = (value: Json | undefined, path: string) => string | undefined;

function decodePackage(n: Node, issues: IssueCollector, ref: Ref, licenseOf: (id: string, type: string) => string | undefined): SbomPackage {
  const p = n.node;
  const externalRefs: SbomExternalRef[] = [];
  const purl = str(p, 'software_packageUrl');
  if (purl !== undefined) externalRefs.push({ category: 'PACKAGE-MANAGER', type: 'purl', locator: purl });
  for (const e of list(p, 'externalIdentifier').filter(isObject)) {
    const kind = str(e, 'externalIdentifierType');
    const identifier = str(e, 'identifier');
    if (kind === undefined || identifier === undefined) continue;
    externalRefs.push(kind === 'packageUrl' ? { category: 'PACKAGE-MANAGER', type: 'purl', locator: identifier } : { category: kind.startsWith('cpe') ? 'SECURITY' : 'OTHER', type: kind, locator: identifier });
  }
  for (const r of externalRefs.filter((x) => x.type === 'purl')) {
    const parsed = parsePurl(r.locator);
    if ('error' in parsed) issues.error(n.path, `not a package URL: ${r.locator}: ${parsed.error}`);
  }
  if (str(p, 'name') === undefined) issues.error(n.path, 'a package needs a name');
  const supplier = p['suppliedBy'] === undefined ? undefined : ref(p['suppliedBy'], `${n.path}/suppliedBy`);
  const originator = list(p, 'originatedBy').length > 0 ? ref(list(p, 'originatedBy')[0], `${n.path}/originatedBy/0`) : undefined;
  const optional: Record<string, string | undefined> = {
    version: str(p, 'software_packageVersion'),
    purl: externalRefs.find((r) => r.type === 'purl')?.locator,
    licenseDeclared: licenseOf(n.id, 'HAS_DECLARED_LICENSE'),
    licenseConcluded: licenseOf(n.id, 'HAS_CONCLUDED_LICENSE'),
    supplier,
    originator,
    downloadLocation: str(p, 'software_downloadLocation'),
    purpose: str(p, 'software_primaryPurpose') === undefined ? undefined : snake(str(p, 'software_primaryPurpose') ?? ''),
  };
  return {
    id: n.id,
    name: str(p, 'name') ?? '',
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    checksums: hashesOf(n, issues),
    externalRefs,
  };
}

function hashesOf(n: Node, issues: IssueCollector): SbomChecksum[] {
  return list(n.node, 'verifiedUsing').flatMap((h, i) => {
    if (!isObject(h) || h['type'] !== 'Hash') return [];
    const algorithm = str(h, 'algorithm');
    const value = str(h, 'hashValue');
    if (algorithm === undefined || value === undefined) return [];
    if (!/^[0-9a-fA-F]+$/.test(value)) {
      issues.error(`${n.path}/verifiedUsing/${i}/hashValue`, 'not a hex digest');
      return [];
    }
    return [{ algorithm: algorithm.replace(/_/g, ''), value: value.toLowerCase() }];
  });
}

function agentPrefix(type: string): string {
  if (type === 'Organization') return 'Organization: ';
  if (type === 'Person') return 'Person: ';
  return 'Tool: ';
}

/** "hasDeclaredLicense" -> "HAS_DECLARED_LICENSE", the spelling the model uses for SPDX 2 too. */
function snake(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
