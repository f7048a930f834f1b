import type { IssueCollector, Json, JsonObject } from './issues.js';
import { isObject, kindOf } from './issues.js';
import { HASH_ALGORITHMS, PRIMARY_PURPOSES, RELATIONSHIP_TYPES_3, SPDX3_PROPERTIES } from './spdx3-vocabulary.js';

/**
 * Property types of the SPDX 3.0.1 classes the reader checks in full (spdx3-vocabulary.ts),
 * written out from the specification: which properties are lists, which name other elements,
 * which are enumerations, timestamps or versions. A reference may also be an inline node, which
 * the caller lifts into the graph (`inline`).
 */
type Kind =
  | 'string' | 'dateTime' | 'semver' | 'mime' | 'ref' | 'integrity'
  | { readonly list: Kind; readonly min?: number }
  | { readonly oneOf: ReadonlySet<string> }
  | { readonly object: string };

const list = (of: Kind, min?: number): Kind => (min === undefined ? { list: of } : { list: of, min });
const oneOf = (...values: string[]): Kind => ({ oneOf: new Set(values) });

const KINDS: Readonly<Record<string, Kind>> = {
  comment: 'string', description: 'string', name: 'string', summary: 'string', spdxId: 'string', '@id': 'string',
  creationInfo: 'ref', extension: list({ object: 'open' }), externalIdentifier: list({ object: 'ExternalIdentifier' }),
  externalRef: list({ object: 'ExternalRef' }), verifiedUsing: list('integrity'),
  builtTime: 'dateTime', releaseTime: 'dateTime', validUntilTime: 'dateTime', originatedBy: list('ref'), suppliedBy: 'ref',
  standardName: list('string'), supportLevel: list(oneOf('deployed', 'development', 'endOfSupport', 'limitedSupport', 'noAssertion', 'noSupport', 'support')),
  software_additionalPurpose: list({ oneOf: PRIMARY_PURPOSES }), software_attributionText: list('string'),
  software_contentIdentifier: list({ object: 'software_ContentIdentifier' }), software_copyrightText: 'string',
  software_primaryPurpose: { oneOf: PRIMARY_PURPOSES }, software_downloadLocation: 'string', software_homePage: 'string',
  software_packageUrl: 'string', software_packageVersion: 'string', software_sourceInfo: 'string', contentType: 'mime',
  software_fileKind: oneOf('directory', 'file'), element: list('ref'), rootElement: list('ref'),
  profileConformance: list(oneOf('ai', 'build', 'core', 'dataset', 'expandedLicensing', 'extension', 'lite', 'security', 'simpleLicensing', 'software')),
  dataLicense: 'ref', import: list({ object: 'ExternalMap' }), namespaceMap: list({ object: 'NamespaceMap' }), context: 'string',
  software_sbomType: list(oneOf('analyzed', 'build', 'deployed', 'design', 'runtime', 'source')),
  completeness: oneOf('complete', 'incomplete', 'noAssertion'), startTime: 'dateTime', endTime: 'dateTime', from: 'ref',
  to: list('ref', 1), relationshipType: { oneOf: RELATIONSHIP_TYPES_3 }, scope: oneOf('build', 'design', 'development', 'other', 'runtime', 'test'),
  created: 'dateTime', createdBy: list('ref', 1), createdUsing: list('ref'), specVersion: 'semver',
  simplelicensing_licenseExpression: 'string', simplelicensing_licenseListVersion: 'semver', simplelicensing_customIdToUri: list({ object: 'DictionaryEntry' }),
};

/** Nested (non-element) classes: their properties and the ones they require. */
const NESTED: Readonly<Record<string, { readonly props: Readonly<Record<string, Kind>>; readonly required: readonly string[] }>> = {
  ExternalIdentifier: {
    props: { comment: 'string', externalIdentifierType: oneOf('cpe22', 'cpe23', 'cve', 'email', 'gitoid', 'other', 'packageUrl', 'securityOther', 'swhid', 'swid', 'urlScheme'), identifier: 'string', identifierLocator: list('string'), issuingAuthority: 'string' },
    required: ['externalIdentifierType', 'identifier'],
  },
  ExternalRef: { props: { comment: 'string', contentType: 'mime', externalRefType: 'string', locator: list('string') }, required: [] },
  Hash: { props: { comment: 'string', algorithm: { oneOf: HASH_ALGORITHMS }, hashValue: 'string' }, required: ['algorithm', 'hashValue'] },
  PackageVerificationCode: { props: { comment: 'string', algorithm: { oneOf: HASH_ALGORITHMS }, hashValue: 'string', packageVerificationCodeExcludedFile: list('string') }, required: ['algorithm', 'hashValue'] },
  software_ContentIdentifier: { props: { comment: 'string', software_contentIdentifierType: oneOf('gitoid', 'swhid'), software_contentIdentifierValue: 'string' }, required: ['software_contentIdentifierType', 'software_contentIdentifierValue'] },
  NamespaceMap: { props: { namespace: 'string', prefix: 'string' }, required: ['namespace', 'prefix'] },
  ExternalMap: { props: { definingArtifact: 'ref', externalSpdxId: 'string', locationHint: 'string', verifiedUsing: list('integrity') }, required: ['externalSpdxId'] },
  DictionaryEntry: { props: { key: 'string', value: 'string' }, required: ['key'] },
};

const DATE_TIME = /^\d{4}-[0-1]\d-[0-3]\dT[0-2]\d:[0-6]\d:[0-6]\dZ$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const IRI_OR_BLANK = /^(_:.+|(?!_:).+:.+)$/;

/** Checks every property of an element node against its class; inline nodes go to `inline`. */
export function checkProperties(node: JsonObject, type: string, path: string, issues: IssueCollector, inline: (node: JsonObject, path: string) => void): void {
  const allowed = SPDX3_PROPERTIES[type];
  if (!allowed) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type') continue;
    if (!allowed.has(key)) {
      issues.error(`${path}/${key}`, `unknown property ${key} for ${type}`);
      continue;
    }
    const kind = KINDS[key];
    if (kind) checkValue(value, kind, `${path}/${key}`, issues, inline);
  }
}

function checkValue(value: Json, kind: Kind, path: string, issues: IssueCollector, inline: (node: JsonObject, path: string) => void): void {
  const bad = (what: string) => issues.error(path, `must be ${what}, found ${typeof value === 'string' ? JSON.stringify(value) : kindOf(value)}`);
  if (typeof kind === 'object' && 'list' in kind) {
    if (!Array.isArray(value)) return bad('an array');
    if (kind.min !== undefined && value.length < kind.min) issues.error(path, `must have at least ${kind.min} item(s)`);
    value.forEach((v, i) => checkValue(v, kind.list, `${path}/${i}`, issues, inline));
    return;
  }
  if (typeof kind === 'object' && 'oneOf' in kind) {
    if (typeof value !== 'string' || !kind.oneOf.has(value)) bad('one of the values the specification lists');
    return;
  }
  if (typeof kind === 'object') return checkNested(value, kind.object, path, issues, inline);
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') bad('a string');
      return;
    case 'dateTime':
      if (typeof value !== 'string' || !DATE_TIME.test(value)) bad('a UTC date-time (YYYY-MM-DDThh:mm:ssZ)');
      return;
    case 'semver':
      if (typeof value !== 'string' || !SEMVER.test(value)) bad('a semantic version');
      return;
    case 'mime':
      if (typeof value !== 'string' || !/^[^/]+\/[^/]+$/.test(value)) bad('a media type');
      return;
    case 'ref':
      if (isObject(value)) return inline(value, path);
      if (typeof value !== 'string' || !IRI_OR_BLANK.test(value)) bad('an IRI or blank node');
      return;
    case 'integrity':
      if (typeof value === 'string') return kind === 'integrity' && !IRI_OR_BLANK.test(value) ? bad('an IRI or blank node') : undefined;
      if (!isObject(value) || typeof value['type'] !== 'string' || !['Hash', 'PackageVerificationCode', 'software_ContentIdentifier'].includes(value['type'])) {
        return bad('a Hash, PackageVerificationCode or ContentIdentifier');
      }
      return checkNested(value, value['type'], path, issues, inline);
  }
}

function checkNested(value: Json, cls: string, path: string, issues: IssueCollector, inline: (node: JsonObject, path: string) => void): void {
  if (!isObject(value)) return issues.error(path, `must be an object, found ${kindOf(value)}`);
  if (cls === 'open') return;
  const spec = NESTED[cls];
  if (!spec) return;
  if (value['type'] !== cls) issues.error(`${path}/type`, `must be ${cls}`);
  for (const key of spec.required) if (!Object.hasOwn(value, key)) issues.error(path, `missing required property ${key}`);
  for (const [key, v] of Object.entries(value)) {
    if (key === 'type') continue;
    const kind = spec.props[key];
    if (!kind) issues.error(`${path}/${key}`, `unknown property ${key} for ${cls}`);
    else checkValue(v, kind, `${path}/${key}`, issues, inline);
  }
}
