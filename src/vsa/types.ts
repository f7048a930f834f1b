/**
 * The SLSA Verification Summary Attestation (VSA v1) as vouch writes and reads it: an in-toto
 * statement whose predicate says which verifier judged which resource against which policy, when,
 * and with what result. https://slsa.dev/spec/v1.0/verification_summary
 */
import type { KeyObject } from 'node:crypto';

export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** The verifier.id vouch writes: a URI naming vouch (the version is in verifier.version). */
export const VOUCH_VERIFIER_ID = 'https://vouch.dev/verifier';
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** The OCI annotation naming a bundle's predicate type, as cosign v3 writes it on referrers. */
export const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

export type VerificationResult = 'PASSED' | 'FAILED';

/** in-toto ResourceDescriptor, as far as a VSA uses it. */
export interface ResourceDescriptor {
  readonly name?: string;
  readonly uri?: string;
  readonly digest: Readonly<Record<string, string>>;
}

export interface VsaPredicate {
  readonly verifier: { readonly id: string; readonly version?: Readonly<Record<string, string>> };
  readonly timeVerified: string;
  readonly resourceUri: string;
  readonly policy: { readonly uri?: string; readonly digest?: Readonly<Record<string, string>> };
  readonly inputAttestations?: readonly ResourceDescriptor[];
  readonly verificationResult: string;
  readonly verifiedLevels: readonly string[];
  readonly dependencyLevels?: Readonly<Record<string, number>>;
  readonly slsaVersion?: string;
}

export interface VsaStatement {
  readonly _type: string;
  readonly subject: readonly ResourceDescriptor[];
  readonly predicateType: typeof VSA_PREDICATE_TYPE;
  readonly predicate: VsaPredicate;
}

/** A key that may have signed VSAs, and the ids a signature may name it by. */
export interface TrustedVsaKey {
  /** Where the key came from (a file name), for messages. */
  readonly name: string;
  readonly publicKey: KeyObject;
  /** slsa-verifier's key id: `SHA256:` + unpadded base64 of SHA-256 over the DER public key. */
  readonly keyId: string;
  /** sigstore-go's bundle hint: padded base64 of the same SHA-256. */
  readonly hint: string;
}

/** How a VSA document was carried. */
export type VsaContainer = 'bundle' | 'envelope';
