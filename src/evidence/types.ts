/**
 * The Evidence document: everything vouch collected and verified about one subject, and nothing
 * it did not verify presented as verified. It is the contract between collection (sources, trust,
 * inventory, reconcile) and judgement (policy, report), written up field by field in
 * docs/evidence.md. Policies see it as CEL variables of the same names.
 *
 * Rules every producer follows:
 * - A check that ran and did not hold is a Check with status "fail", a stable code and a message;
 *   it is never a thrown error. Only "could not check" throws (see errors.ts).
 * - Every list is sorted by the key documented on it, so that identical inputs give byte-identical
 *   JSON (see stable-json.ts).
 * - Times are ISO-8601 strings in UTC. Digests are "<algorithm>:<lowercase hex>".
 */

export const EVIDENCE_SCHEMA_VERSION = 'vouch.dev/evidence/v1';

/** apk-index: an apk repository index verified on its own (never a package); rootfs: a root filesystem (vouch rootfs); vsa: a verification summary checked by `vouch vsa verify`. */
export type SubjectKind = 'image' | 'apk' | 'apk-index' | 'artifact' | 'rootfs' | 'vsa';

export interface Subject {
  readonly kind: SubjectKind;
  /** What the user asked for, as typed (a file path, URL, image reference or digest). */
  readonly reference: string;
  /** The digest everything else was checked against (for an apk: sha256 of the whole file). */
  readonly digest: string;
  /** Human name and version where the subject has them (apk pkgname/pkgver, image repository). */
  readonly name?: string;
  readonly version?: string;
  /** Images: the platform that was resolved, "os/arch[/variant]". apk: the package arch. */
  readonly platform?: string;
  /** Images: the media type of the resolved manifest; the index digest when one was resolved. */
  readonly mediaType?: string;
  readonly indexDigest?: string;
  /** Size in bytes of the file or manifest that `digest` names. */
  readonly size?: number;
}

/**
 * pass:    the check ran and held.
 * fail:    the check ran and did not hold (the code says why).
 * absent:  the thing to check is not there (an apk without an embedded SBOM); policies decide.
 * skipped: the check was not asked for or does not apply to this subject.
 */
export type CheckStatus = 'pass' | 'fail' | 'absent' | 'skipped';

export interface Check {
  /** Dotted id naming what was checked, e.g. "apk.signature", "artifact.bundle.tlog". */
  readonly id: string;
  readonly status: CheckStatus;
  /** Stable SCREAMING_SNAKE code, e.g. APK_SIGNATURE_UNTRUSTED_KEY; part of the public contract. */
  readonly code: string;
  /** One line for people: what held, or what was expected and what was found. */
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  /** Paths, keys, indexes: whatever locates the finding. JSON-safe. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Who or what produced a signature, as established by verification (never by a claim). */
export interface Signer {
  /** Keyed signatures: the trusted key that verified it (file name, key hint or fingerprint). */
  readonly key?: string;
  /** Keyless signatures: certificate SAN (URI or email) and OIDC issuer. */
  readonly identity?: string;
  readonly issuer?: string;
  /** Fulcio certificate extensions by name (sourceRepositoryUri, buildSignerUri, ...). */
  readonly extensions?: Readonly<Record<string, string>>;
}

export interface TlogEvidence {
  readonly logIndex: string;
  readonly logId: string;
  readonly integratedTime?: string;
  /** What proved inclusion: an inclusion proof with a checkpoint, a signed promise (SET), or both. */
  readonly proof: 'inclusion-proof' | 'promise' | 'inclusion-proof+promise';
}

export type SignatureKind = 'apk-rsa' | 'sigstore-bundle' | 'cosign-simple-signing' | 'dsse';

/** One signature found on the subject, verified or not. Sorted by (kind, attachedTo, source). */
export interface SignatureEvidence {
  readonly kind: SignatureKind;
  /** True only when the cryptographic check, trust anchoring and identity policy all held. */
  readonly verified: boolean;
  /** Stable code of the outcome: SIGNATURE_VERIFIED or the reason it was not. */
  readonly code: string;
  readonly message: string;
  /** Flattened signer fields, for short policy expressions (`s.identity.startsWith(...)`). */
  readonly identity?: string;
  readonly issuer?: string;
  readonly key?: string;
  readonly signer?: Signer;
  readonly tlog?: readonly TlogEvidence[];
  /** Where it was found: a file, a tag, a referrer digest, an index entry. */
  readonly source: string;
  /** The digest the signature is attached to (image: index or platform manifest). */
  readonly attachedTo?: string;
  /** Signing time established by a transparency log or timestamp authority. */
  readonly signedAt?: string;
  /** sha256 of the signature document as read (image: the attached layer blob), where known. */
  readonly digest?: string;
}

/** One in-toto attestation found for the subject. Sorted by (predicateType, source). */
export interface AttestationEvidence {
  readonly predicateType: string;
  /** Signature, trust anchoring and subject-digest match all held. */
  readonly verified: boolean;
  /** vouch understands this predicate type (an unknown one never satisfies a provenance rule). */
  readonly interpreted: boolean;
  readonly code: string;
  readonly message: string;
  readonly identity?: string;
  readonly issuer?: string;
  readonly key?: string;
  readonly signer?: Signer;
  readonly tlog?: readonly TlogEvidence[];
  readonly source: string;
  readonly attachedTo?: string;
  readonly subjects?: readonly { readonly name?: string; readonly digest: Readonly<Record<string, string>> }[];
  /** sha256 of the attestation document as read (image: the attached layer blob), where known. */
  readonly digest?: string;
}

/** A version-independent view of one SLSA provenance (v0.2 or v1; v0.1 from Google Cloud Build). Sorted by source. */
export interface ProvenanceEvidence {
  /** The envelope verified, the subject matched and the builder identity was proven by the signer. */
  readonly verified: boolean;
  readonly slsaVersion: '0.1' | '0.2' | '1.0';
  readonly builderId: string;
  readonly buildType: string;
  readonly source: { readonly uri?: string; readonly digest?: Readonly<Record<string, string>>; readonly ref?: string };
  readonly workflowInputs?: Readonly<Record<string, unknown>>;
  readonly invocationId?: string;
  readonly materials?: readonly { readonly uri?: string; readonly digest?: Readonly<Record<string, string>> }[];
  readonly subjects: readonly { readonly name?: string; readonly digest: Readonly<Record<string, string>> }[];
  readonly identity?: string;
  readonly issuer?: string;
  readonly logIndex?: string;
  /** The attestation this view was read from (matches AttestationEvidence.source). */
  readonly attestation: string;
}

/** A summary of one SBOM document that was read; the model itself is in sbom.documents. */
export interface SbomDocumentEvidence {
  /** Where it came from: an apk path, an image path, an attestation source. */
  readonly origin: string;
  readonly format: 'spdx' | 'cyclonedx';
  readonly specVersion: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly created?: string;
  readonly creators?: readonly string[];
  readonly packages: readonly SbomPackageEvidence[];
  readonly fileCount: number;
  /** Problems found while validating and decoding (JSON pointer + reason). */
  readonly issues: readonly { readonly path: string; readonly reason: string }[];
}

export interface SbomPackageEvidence {
  readonly name: string;
  readonly version?: string;
  readonly purl?: string;
  readonly licenseDeclared?: string;
  readonly licenseConcluded?: string;
  readonly supplier?: string;
}

export interface SbomEvidence {
  /** present: at least one SBOM was read; absent: none exists; invalid: only unreadable ones. */
  readonly status: 'present' | 'absent' | 'invalid';
  readonly documents: readonly SbomDocumentEvidence[];
}

export interface InstalledPackageEvidence {
  readonly name: string;
  readonly version: string;
  readonly arch?: string;
  readonly license?: string;
  readonly origin?: string;
  readonly commit?: string;
  /** apk "C:" / package checksum, as written by apk ("Q1..."). */
  readonly checksum?: string;
  readonly files: number;
}

export interface InventoryEvidence {
  /** Where the package list came from (e.g. "usr/lib/apk/db/installed", ".PKGINFO"). */
  readonly source: string;
  readonly packages: readonly InstalledPackageEvidence[];
  readonly fileCount: number;
  readonly layers?: readonly { readonly digest: string; readonly mediaType: string; readonly size: number; readonly files: number }[];
}

export type ReconciliationLevel = 'package' | 'file' | 'provenance';

/** One disagreement between what an SBOM or database says and what is there. Sorted by (level, code, package, path). */
export interface Finding {
  readonly level: ReconciliationLevel;
  readonly code: string;
  readonly message: string;
  readonly package?: string;
  readonly path?: string;
  readonly expected?: string;
  readonly found?: string;
}

export interface ReconciliationEvidence {
  readonly summary: {
    readonly matched: number;
    readonly missing: number;
    readonly unowned: number;
    readonly modified: number;
    readonly mismatched: number;
  };
  readonly findings: readonly Finding[];
}

export interface Evidence {
  readonly schemaVersion: typeof EVIDENCE_SCHEMA_VERSION;
  readonly tool: { readonly name: 'vouch'; readonly version: string };
  /** The effective time the checks were made at (`--effective-time`, else the clock). */
  readonly collectedAt: string;
  readonly subject: Subject;
  /** Sorted by id. */
  readonly checks: readonly Check[];
  readonly signatures: readonly SignatureEvidence[];
  readonly attestations: readonly AttestationEvidence[];
  readonly provenance: readonly ProvenanceEvidence[];
  /** null: SBOMs are not examined for this kind of subject. */
  readonly sbom: SbomEvidence | null;
  readonly inventory: InventoryEvidence | null;
  readonly reconciliation: ReconciliationEvidence | null;
  /**
   * What the user asked to be verified (identity flags, provenance expectations, keys given), so
   * that policies can require a signature or provenance exactly when the user named one.
   */
  readonly expectations: Readonly<Record<string, string | readonly string[] | boolean>>;
  /** Notes the report must show loudly, e.g. "transparency log checks were disabled". */
  readonly warnings: readonly string[];
  /**
   * Present when a verification summary (VSA) was offered or looked for (`--vsa-public-key`):
   * whether one was relied on instead of verifying again, and why (or why not).
   */
  readonly vsa?: VsaEvidence;
}

/**
 * used: true only when a VSA signed by a trusted key, for this digest and these policies, passed,
 * from a trusted verifier and young enough, stood in for the verification. Otherwise the subject
 * was verified in full and `reason` says why no VSA was relied on.
 */
export interface VsaEvidence {
  readonly used: boolean;
  /** sha256 of the VSA document relied on (or, when none was, of the last one considered). */
  readonly digest?: string;
  /** The VSA's verifier.id. */
  readonly verifier?: string;
  readonly reason: string;
  /** Where it came from: the --vsa file, a referrer, the cosign .att tag. */
  readonly source?: string;
  /** The VSA's timeVerified. */
  readonly timeVerified?: string;
  /** The key that signed it (file name). */
  readonly key?: string;
}
