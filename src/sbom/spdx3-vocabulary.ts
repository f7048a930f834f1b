/**
 * The parts of the SPDX 3.0.1 vocabulary the reader checks, written out from the specification's
 * model (spdx.org/rdf/3.0.1): the class names a graph may use, and for the classes the model reads,
 * every property the class has (its own and inherited), since the schema closes every object.
 */

export const SPDX3_CONTEXT = /^https:\/\/spdx\.org\/rdf\/(3\.0\.\d+)\/spdx-context\.jsonld$/;

export const SPDX3_CLASSES = new Set([
  'Annotation', 'Bundle', 'Bom', 'CreationInfo', 'DictionaryEntry', 'ExternalIdentifier', 'ExternalMap', 'ExternalRef',
  'Hash', 'IndividualElement', 'LifecycleScopedRelationship', 'NamespaceMap', 'Organization', 'PackageVerificationCode',
  'Person', 'PositiveIntegerRange', 'Relationship', 'SoftwareAgent', 'SpdxDocument', 'Tool', 'Agent',
  'ai_AIPackage', 'ai_EnergyConsumption', 'ai_EnergyConsumptionDescription', 'build_Build', 'dataset_DatasetPackage',
  'expandedlicensing_ConjunctiveLicenseSet', 'expandedlicensing_CustomLicense', 'expandedlicensing_CustomLicenseAddition',
  'expandedlicensing_DisjunctiveLicenseSet', 'expandedlicensing_IndividualLicensingInfo', 'expandedlicensing_ListedLicense',
  'expandedlicensing_ListedLicenseException', 'expandedlicensing_OrLaterOperator', 'expandedlicensing_WithAdditionOperator',
  'extension_CdxPropertiesExtension', 'extension_CdxPropertyEntry',
  'security_CvssV2VulnAssessmentRelationship', 'security_CvssV3VulnAssessmentRelationship', 'security_CvssV4VulnAssessmentRelationship',
  'security_EpssVulnAssessmentRelationship', 'security_ExploitCatalogVulnAssessmentRelationship', 'security_SsvcVulnAssessmentRelationship',
  'security_VexAffectedVulnAssessmentRelationship', 'security_VexFixedVulnAssessmentRelationship',
  'security_VexNotAffectedVulnAssessmentRelationship', 'security_VexUnderInvestigationVulnAssessmentRelationship',
  'security_Vulnerability', 'simplelicensing_LicenseExpression', 'simplelicensing_SimpleLicensingText',
  'software_ContentIdentifier', 'software_File', 'software_Package', 'software_Sbom', 'software_Snippet',
  // Enumeration classes, which a graph may spell out as nodes.
  'AnnotationType', 'ExternalIdentifierType', 'ExternalRefType', 'HashAlgorithm', 'LifecycleScopeType', 'PresenceType',
  'ProfileIdentifierType', 'RelationshipCompleteness', 'RelationshipType', 'SupportType', 'ai_EnergyUnitType',
  'ai_SafetyRiskAssessmentType', 'dataset_ConfidentialityLevelType', 'dataset_DatasetAvailabilityType', 'dataset_DatasetType',
  'extension_Extension', 'security_CvssSeverityType', 'security_ExploitCatalogType', 'security_SsvcDecisionType',
  'security_VexJustificationType', 'software_ContentIdentifierType', 'software_FileKindType', 'software_SbomType',
  'software_SoftwarePurpose',
]);

const ELEMENT = ['type', 'spdxId', 'creationInfo', 'comment', 'description', 'extension', 'externalIdentifier', 'externalRef', 'name', 'summary', 'verifiedUsing'];
const ARTIFACT = [...ELEMENT, 'builtTime', 'originatedBy', 'releaseTime', 'standardName', 'suppliedBy', 'supportLevel', 'validUntilTime'];
const SOFTWARE_ARTIFACT = [...ARTIFACT, 'software_additionalPurpose', 'software_attributionText', 'software_contentIdentifier', 'software_copyrightText', 'software_primaryPurpose'];
const COLLECTION = [...ELEMENT, 'element', 'profileConformance', 'rootElement'];
const RELATIONSHIP = [...ELEMENT, 'completeness', 'endTime', 'from', 'relationshipType', 'startTime', 'to'];

/** Every property each class the model reads may carry; other classes are checked by name only. */
export const SPDX3_PROPERTIES: Readonly<Record<string, ReadonlySet<string>>> = {
  CreationInfo: new Set(['@id', 'type', 'comment', 'created', 'createdBy', 'createdUsing', 'specVersion']),
  SpdxDocument: new Set([...COLLECTION, 'dataLicense', 'import', 'namespaceMap']),
  software_Sbom: new Set([...COLLECTION, 'context', 'software_sbomType']),
  Bom: new Set([...COLLECTION, 'context']),
  software_Package: new Set([...SOFTWARE_ARTIFACT, 'software_downloadLocation', 'software_homePage', 'software_packageUrl', 'software_packageVersion', 'software_sourceInfo']),
  software_File: new Set([...SOFTWARE_ARTIFACT, 'contentType', 'software_fileKind']),
  Relationship: new Set(RELATIONSHIP),
  LifecycleScopedRelationship: new Set([...RELATIONSHIP, 'scope']),
  Person: new Set(ELEMENT),
  Organization: new Set(ELEMENT),
  SoftwareAgent: new Set(ELEMENT),
  Agent: new Set(ELEMENT),
  Tool: new Set(ELEMENT),
  simplelicensing_LicenseExpression: new Set([...ELEMENT, 'simplelicensing_customIdToUri', 'simplelicensing_licenseExpression', 'simplelicensing_licenseListVersion']),
  Hash: new Set(['type', 'algorithm', 'hashValue', 'comment']),
  ExternalIdentifier: new Set(['type', 'externalIdentifierType', 'identifier', 'comment', 'identifierLocator', 'issuingAuthority']),
};

export const HASH_ALGORITHMS = new Set([
  'adler32', 'blake2b256', 'blake2b384', 'blake2b512', 'blake3', 'crystalsDilithium', 'crystalsKyber', 'falcon', 'md2', 'md4',
  'md5', 'md6', 'other', 'sha1', 'sha224', 'sha256', 'sha384', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'sha512',
]);

export const PRIMARY_PURPOSES = new Set([
  'application', 'archive', 'bom', 'configuration', 'container', 'data', 'device', 'deviceDriver', 'diskImage', 'documentation',
  'evidence', 'executable', 'file', 'filesystemImage', 'firmware', 'framework', 'install', 'library', 'manifest', 'model',
  'module', 'operatingSystem', 'other', 'patch', 'platform', 'requirement', 'source', 'specification', 'test',
]);

export const EXTERNAL_IDENTIFIER_TYPES = new Set(['cpe22', 'cpe23', 'cve', 'email', 'gitoid', 'other', 'packageUrl', 'securityOther', 'swhid', 'swid', 'urlScheme']);

/** Individuals the vocabulary defines, which relationships may name without a graph element. */
export const SPDX3_INDIVIDUALS = /^https:\/\/spdx\.org\/rdf\/3\.0\.\d+\/terms\/(Core\/(NoneElement|NoAssertionElement|SpdxOrganization)|ExpandedLicensing\/(NoAssertionLicense|NoneLicense))$/;

export const RELATIONSHIP_TYPES_3 = new Set([
  'affects', 'amendedBy', 'ancestorOf', 'availableFrom', 'configures', 'contains', 'coordinatedBy', 'copiedTo', 'delegatedTo',
  'dependsOn', 'descendantOf', 'describes', 'doesNotAffect', 'expandsTo', 'exploitCreatedBy', 'fixedBy', 'fixedIn', 'foundBy',
  'generates', 'hasAddedFile', 'hasAssessmentFor', 'hasAssociatedVulnerability', 'hasConcludedLicense', 'hasDataFile',
  'hasDeclaredLicense', 'hasDeletedFile', 'hasDependencyManifest', 'hasDistributionArtifact', 'hasDocumentation',
  'hasDynamicLink', 'hasEvidence', 'hasExample', 'hasHost', 'hasInput', 'hasMetadata', 'hasOptionalComponent',
  'hasOptionalDependency', 'hasOutput', 'hasPrerequisite', 'hasProvidedDependency', 'hasRequirement', 'hasSpecification',
  'hasStaticLink', 'hasTest', 'hasTestCase', 'hasVariant', 'invokedBy', 'modifiedBy', 'other', 'packagedBy', 'patchedBy',
  'publishedBy', 'reportedBy', 'republishedBy', 'serializedInArtifact', 'testedOn', 'trainedOn', 'underInvestigationFor',
  'usesTool',
]);
