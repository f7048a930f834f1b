/**
 * One SBOM model for every format vouch reads (SPDX 2.2/2.3 JSON, SPDX 3.0 JSON-LD, CycloneDX
 * 1.4-1.6 JSON), in the spirit of syft's single internal model. Readers map into it; the
 * reconciliation reads only it. Lists keep document order; callers sort where output needs it.
 */
export type SbomFormat = 'spdx' | 'cyclonedx';

export interface SbomChecksum {
  /** Lower-case algorithm name as the model spells it: sha1, sha256, sha512, md5, ... */
  readonly algorithm: string;
  /** Lower-case hex. */
  readonly value: string;
}

export interface SbomExternalRef {
  readonly category: string;
  readonly type: string;
  readonly locator: string;
}

export interface SbomPackage {
  /** The document-local id (SPDXID, bom-ref, @id). */
  readonly id: string;
  readonly name: string;
  readonly version?: string;
  /** The first package-manager purl of the package, as written. */
  readonly purl?: string;
  readonly licenseDeclared?: string;
  readonly licenseConcluded?: string;
  readonly supplier?: string;
  readonly originator?: string;
  readonly downloadLocation?: string;
  /** SPDX primaryPackagePurpose / CycloneDX component type, upper-cased (APPLICATION, SOURCE, ...). */
  readonly purpose?: string;
  readonly checksums: readonly SbomChecksum[];
  readonly externalRefs: readonly SbomExternalRef[];
  /** SPDX filesAnalyzed (false means the document makes no claim about the package's files). */
  readonly filesAnalyzed?: boolean;
}

export interface SbomFile {
  readonly id: string;
  /** Normalised: no leading "./" or "/". */
  readonly path: string;
  readonly checksums: readonly SbomChecksum[];
  /** The package that contains the file (CONTAINS relationship, hasFiles, nesting), when stated. */
  readonly packageId?: string;
}

export interface SbomRelationship {
  readonly from: string;
  readonly type: string;
  readonly to: string;
}

export interface SbomIssue {
  /** JSON pointer into the document. */
  readonly path: string;
  readonly reason: string;
}

export interface SbomDocument {
  readonly format: SbomFormat;
  /** As the document states it: "SPDX-2.3", "3.0.1", "1.6". */
  readonly specVersion: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly created?: string;
  readonly creators: readonly string[];
  readonly packages: readonly SbomPackage[];
  readonly files: readonly SbomFile[];
  readonly relationships: readonly SbomRelationship[];
  /** Every problem found while validating and decoding; empty when the document is clean. */
  readonly issues: readonly SbomIssue[];
  /**
   * Deviations from the specification that real generators write and whose meaning is not in
   * doubt (melange's "OPERATING-SYSTEM" purpose, SPDX 2.2's "PACKAGE_MANAGER" category in a 2.3
   * document). The official schema rejects them, so they are reported, but the document is usable.
   */
  readonly warnings?: readonly SbomIssue[];
  /** Ids of the elements the document describes (documentDescribes, DESCRIBES, rootElement, metadata.component). */
  readonly describes?: readonly string[];
}

/** Caps against hostile documents; a document over a cap is "unrecognised" (could not check). */
export interface SbomLimits {
  readonly maxBytes: number;
  /** Packages + files + relationships + graph elements together. */
  readonly maxElements: number;
  /** Issues kept in full; beyond it one summary issue says how many more there were. */
  readonly maxIssues: number;
  /** Longest string value kept (longer ones are an issue). */
  readonly maxStringLength: number;
  /** Deepest nesting of CycloneDX components. */
  readonly maxDepth: number;
}

export interface SbomReadOptions {
  readonly limits?: Partial<SbomLimits>;
}

/**
 * The outcome of reading bytes that may be an SBOM. A malformed SBOM is data (a document with
 * issues, or "unrecognised"), never a thrown error: an apk whose embedded SBOM is broken is a
 * finding about the apk, not a failure to check it.
 */
export type SbomReadResult =
  | { readonly kind: 'sbom'; readonly document: SbomDocument }
  | { readonly kind: 'unsupported-version'; readonly format: SbomFormat; readonly specVersion: string }
  | { readonly kind: 'unrecognised'; readonly reason: string };
