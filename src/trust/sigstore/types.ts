/**
 * The data contract of the Sigstore trust layer. Verification *results* are data (a code and a
 * message per stage) so that callers can put them into Evidence; only "could not check" (bad trust
 * material, unreadable key, network failure) throws a VouchError.
 */
import type { TlogEvidence } from '../../evidence/index.js';

/** Who must have signed a keyless signature; regular expressions are anchored by this layer. */
export interface ExpectedSigner {
  readonly identity?: string;
  readonly identityRegexp?: string;
  readonly issuer?: string;
  readonly issuerRegexp?: string;
}

/**
 * What the signature must be over.
 * - bytes: the artifact itself (small files): @sigstore/verify checks the signature over it.
 * - digest: only its digest is known (`sha256:<hex>` or `sha512:<hex>`, or a file hashed while streaming).
 * - dsse-statement: the caller checks the statement's subjects itself (images, attestations);
 *   only DSSE bundles are accepted with it.
 * For DSSE bundles given bytes or a digest, the digest must be a subject of the in-toto statement.
 */
export type ArtifactInput =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | {
      readonly kind: 'digest';
      /** sha512 only matches DSSE statement subjects: message signatures sign a sha256 digest. */
      readonly digest: { readonly algorithm: 'sha256' | 'sha512'; readonly hex: string };
      /** Further digests of the same artifact (e.g. sha512), used to match statement subjects. */
      readonly also?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'dsse-statement' };

/** The result of one verification stage. `skipped`: not reached because an earlier stage failed. */
export interface StageResult {
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly code: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
}

export type BundleContentKind = 'message-signature' | 'dsse';

export interface VerifiedSigner {
  /** Key-signed bundles: the key hint of the bundle (or "key" when it had none). */
  readonly key?: string;
  /** Keyless: certificate SAN (URI, email or Fulcio otherName) and OIDC issuer. */
  readonly identity?: string;
  readonly issuer?: string;
  /** Fulcio extensions by name (sourceRepositoryUri, buildSignerUri, ...), only those present. */
  readonly extensions?: Readonly<Record<string, string>>;
}

/** An in-toto statement read from a DSSE payload (only after the envelope verified). */
export interface InTotoStatement {
  readonly type: string;
  readonly predicateType: string;
  readonly subjects: readonly { readonly name?: string; readonly digest: Readonly<Record<string, string>> }[];
  readonly predicate: unknown;
}

export interface BundleVerification {
  /** True only when every stage passed. */
  readonly verified: boolean;
  /** SIGNATURE_VERIFIED, or the code of the first stage that failed. */
  readonly code: string;
  readonly message: string;
  readonly mediaType: string;
  readonly content: BundleContentKind;
  readonly stages: {
    /** Certificate chain / trusted key, SCTs, timestamps and the signature itself. */
    readonly signature: StageResult;
    /** The signer matches the expected identity and issuer (keyless) or the given key. */
    readonly identity: StageResult;
    /** Transparency-log proof (inclusion proof + checkpoint, or SET) and body match. */
    readonly tlog: StageResult;
    /** DSSE only: the artifact digest is a subject of the statement. */
    readonly subject?: StageResult;
  };
  /** Fields read from the certificate; verified only when `verified` is true. */
  readonly signer?: VerifiedSigner;
  readonly tlog: readonly TlogEvidence[];
  /** The earliest verified signing time (SET integrated time or RFC 3161 timestamp), ISO-8601. */
  readonly signedAt?: string;
  /** DSSE in-toto payloads: the statement, for provenance and attestation checks. */
  readonly statement?: InTotoStatement;
  readonly payloadType?: string;
  /** Things the report must show loudly (e.g. transparency-log checks were disabled). */
  readonly warnings: readonly string[];
}

/** Switches that change what counts as verified; each weakening one is reported loudly. */
export interface VerifyOptions {
  /** Accept a bundle that has no transparency-log entry (cosign's --insecure-ignore-tlog). */
  readonly insecureIgnoreTlog?: boolean;
}
