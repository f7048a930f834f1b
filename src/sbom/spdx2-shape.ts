import type { IssueCollector } from './issues.js';
import { isObject, kindOf, pointer } from './issues.js';

/**
 * The structure of an SPDX 2.2/2.3 JSON document, written out from the SPDX 2.3 specification
 * (chapters 6-12 and its JSON schema: every object closed, every field typed, every enumeration
 * listed). No npm package validates SPDX documents (docs/adr/spdx-decoders.md), so this table plus
 * a small walker is the validator; the tests hold it against the official schema.
 */
export type Shape =
  | { readonly t: 'string'; readonly enum?: readonly string[]; readonly deviations?: Readonly<Record<string, string>> }
  | { readonly t: 'boolean' }
  | { readonly t: 'integer' }
  | { readonly t: 'array'; readonly items: Shape; readonly minItems?: number }
  | { readonly t: 'object'; readonly props: Readonly<Record<string, Shape>>; readonly required?: readonly string[]; readonly open?: boolean };

const str: Shape = { t: 'string' };
const strs: Shape = { t: 'array', items: str };
const bool: Shape = { t: 'boolean' };
const int: Shape = { t: 'integer' };
const obj = (props: Record<string, Shape>, required: string[] = []): Shape => ({ t: 'object', props, required });
const arr = (items: Shape, minItems?: number): Shape => (minItems === undefined ? { t: 'array', items } : { t: 'array', items, minItems });

export const CHECKSUM_ALGORITHMS = ['SHA1', 'BLAKE3', 'SHA3-384', 'SHA256', 'SHA384', 'BLAKE2b-512', 'BLAKE2b-256', 'SHA3-512', 'MD2', 'ADLER32', 'MD4', 'SHA3-256', 'BLAKE2b-384', 'SHA512', 'MD5', 'MD6', 'SHA224'];

export const RELATIONSHIP_TYPES = [
  'VARIANT_OF', 'COPY_OF', 'PATCH_FOR', 'TEST_DEPENDENCY_OF', 'CONTAINED_BY', 'DATA_FILE_OF', 'OPTIONAL_COMPONENT_OF',
  'ANCESTOR_OF', 'GENERATES', 'CONTAINS', 'OPTIONAL_DEPENDENCY_OF', 'FILE_ADDED', 'REQUIREMENT_DESCRIPTION_FOR',
  'DEV_DEPENDENCY_OF', 'DEPENDENCY_OF', 'BUILD_DEPENDENCY_OF', 'DESCRIBES', 'PREREQUISITE_FOR', 'HAS_PREREQUISITE',
  'PROVIDED_DEPENDENCY_OF', 'DYNAMIC_LINK', 'DESCRIBED_BY', 'METAFILE_OF', 'DEPENDENCY_MANIFEST_OF', 'PATCH_APPLIED',
  'RUNTIME_DEPENDENCY_OF', 'TEST_OF', 'TEST_TOOL_OF', 'DEPENDS_ON', 'SPECIFICATION_FOR', 'FILE_MODIFIED',
  'DISTRIBUTION_ARTIFACT', 'AMENDS', 'DOCUMENTATION_OF', 'GENERATED_FROM', 'STATIC_LINK', 'OTHER', 'BUILD_TOOL_OF',
  'TEST_CASE_OF', 'PACKAGE_OF', 'DESCENDANT_OF', 'FILE_DELETED', 'EXPANDED_FROM_ARCHIVE', 'DEV_TOOL_OF', 'EXAMPLE_OF',
];

const checksum = obj({ algorithm: { t: 'string', enum: CHECKSUM_ALGORITHMS }, checksumValue: str }, ['algorithm', 'checksumValue']);
const annotations = arr(
  obj({ annotationDate: str, annotationType: { t: 'string', enum: ['OTHER', 'REVIEW'] }, annotator: str, comment: str }, ['annotationDate', 'annotationType', 'annotator', 'comment']),
);
const pointerShape = obj({ reference: str, offset: int, lineNumber: int }, ['reference']);

/** SPDX 2.3 spellings; the deviations map names what real generators write instead. */
const PURPOSES = ['OTHER', 'INSTALL', 'ARCHIVE', 'FIRMWARE', 'APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'SOURCE', 'DEVICE', 'OPERATING_SYSTEM', 'FILE'];
const CATEGORIES = ['OTHER', 'PERSISTENT-ID', 'SECURITY', 'PACKAGE-MANAGER'];

const packageShape = obj(
  {
    SPDXID: str, annotations, attributionTexts: strs, builtDate: str, checksums: arr(checksum), comment: str,
    copyrightText: str, description: str, downloadLocation: str,
    externalRefs: arr(
      obj(
        {
          comment: str,
          referenceCategory: {
            t: 'string',
            enum: CATEGORIES,
            // SPDX 2.2's spelling, accepted again by the 2.3.1 errata schema.
            deviations: { PACKAGE_MANAGER: 'PACKAGE-MANAGER', PERSISTENT_ID: 'PERSISTENT-ID' },
          },
          referenceLocator: str,
          referenceType: str,
        },
        ['referenceCategory', 'referenceLocator', 'referenceType'],
      ),
    ),
    filesAnalyzed: bool, hasFiles: strs, homepage: str, licenseComments: str, licenseConcluded: str, licenseDeclared: str,
    licenseInfoFromFiles: strs, name: str, originator: str, packageFileName: str,
    packageVerificationCode: obj({ packageVerificationCodeExcludedFiles: strs, packageVerificationCodeValue: str }, ['packageVerificationCodeValue']),
    // melange writes "OPERATING-SYSTEM" for its operating-system package.
    primaryPackagePurpose: { t: 'string', enum: PURPOSES, deviations: { 'OPERATING-SYSTEM': 'OPERATING_SYSTEM' } },
    releaseDate: str, sourceInfo: str, summary: str, supplier: str, validUntilDate: str, versionInfo: str,
  },
  ['SPDXID', 'downloadLocation', 'name'],
);

const fileShape = obj(
  {
    SPDXID: str, annotations, artifactOfs: arr({ t: 'object', props: {}, open: true }), attributionTexts: strs,
    checksums: arr(checksum, 1), comment: str, copyrightText: str, fileContributors: strs, fileDependencies: strs,
    fileName: str,
    fileTypes: arr({ t: 'string', enum: ['OTHER', 'DOCUMENTATION', 'IMAGE', 'VIDEO', 'ARCHIVE', 'SPDX', 'APPLICATION', 'SOURCE', 'BINARY', 'TEXT', 'AUDIO'] }),
    licenseComments: str, licenseConcluded: str, licenseInfoInFiles: strs, noticeText: str,
  },
  ['SPDXID', 'checksums', 'fileName'],
);

const snippetShape = obj(
  {
    SPDXID: str, annotations, attributionTexts: strs, comment: str, copyrightText: str, licenseComments: str,
    licenseConcluded: str, licenseInfoInSnippets: strs, name: str,
    ranges: arr(obj({ endPointer: pointerShape, startPointer: pointerShape }, ['endPointer', 'startPointer']), 1),
    snippetFromFile: str,
  },
  ['SPDXID', 'name', 'ranges', 'snippetFromFile'],
);

export const SPDX2_DOCUMENT: Shape = obj(
  {
    SPDXID: str, annotations, comment: str,
    creationInfo: obj({ comment: str, created: str, creators: arr(str, 1), licenseListVersion: str }, ['created', 'creators']),
    dataLicense: str,
    externalDocumentRefs: arr(obj({ checksum, externalDocumentId: str, spdxDocument: str }, ['checksum', 'externalDocumentId', 'spdxDocument'])),
    hasExtractedLicensingInfos: arr(
      obj(
        {
          comment: str,
          crossRefs: arr(obj({ isLive: bool, isValid: bool, isWayBackLink: bool, match: str, order: int, timestamp: str, url: str }, ['url'])),
          extractedText: str, licenseId: str, name: str, seeAlsos: strs,
        },
        ['extractedText', 'licenseId'],
      ),
    ),
    name: str,
    revieweds: arr(obj({ comment: str, reviewDate: str, reviewer: str }, ['reviewDate'])),
    spdxVersion: str, documentNamespace: str, documentDescribes: strs,
    packages: arr(packageShape), files: arr(fileShape), snippets: arr(snippetShape),
    relationships: arr(
      obj({ spdxElementId: str, comment: str, relatedSpdxElement: str, relationshipType: { t: 'string', enum: RELATIONSHIP_TYPES } }, ['spdxElementId', 'relatedSpdxElement', 'relationshipType']),
    ),
  },
  ['SPDXID', 'creationInfo', 'dataLicense', 'name', 'spdxVersion', 'documentNamespace'],
);

/**
 * Walks a value against a shape, reporting every mismatch with its JSON pointer. `path` is one
 * stack shared by the whole walk (pushed and popped, never copied) and a pointer is spelled only
 * for an actual issue: a clean melange SBOM of thousands of fields costs no string building.
 */
export function checkShape(value: unknown, shape: Shape, path: (string | number)[], issues: IssueCollector): void {
  switch (shape.t) {
    case 'string': {
      if (typeof value !== 'string') return issues.error(pointer(path), `must be a string, found ${kindOf(value)}`);
      if (shape.enum && !shape.enum.includes(value)) {
        const meant = shape.deviations?.[value];
        if (meant !== undefined) return issues.warn(pointer(path), `"${value}" is not an SPDX 2.3 value; read as "${meant}"`);
        return issues.error(pointer(path), `must be one of ${shape.enum.join(', ')}; found "${value}"`);
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') issues.error(pointer(path), `must be a boolean, found ${kindOf(value)}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) issues.error(pointer(path), `must be an integer, found ${kindOf(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) return issues.error(pointer(path), `must be an array, found ${kindOf(value)}`);
      if (shape.minItems !== undefined && value.length < shape.minItems) issues.error(pointer(path), `must have at least ${shape.minItems} item(s)`);
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        checkShape(value[i], shape.items, path, issues);
        path.pop();
      }
      return;
    case 'object': {
      if (!isObject(value)) return issues.error(pointer(path), `must be an object, found ${kindOf(value)}`);
      for (const key of shape.required ?? []) if (!Object.hasOwn(value, key)) issues.error(pointer(path), `missing required property ${key}`);
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const inner = Object.hasOwn(shape.props, key) ? shape.props[key] : undefined;
        path.push(key);
        if (inner) checkShape(value[key], inner, path, issues);
        else if (!shape.open) issues.error(pointer(path), `unknown property ${key}`);
        path.pop();
      }
      return;
    }
  }
}
