import type { ApkIndexCaps } from '../sources/apk/index-caps.js';
import type { ApkKeyring } from '../trust/apk/index.js';

export { DEFAULT_APK_INDEX_CAPS } from '../sources/apk/index-caps.js';
export type { ApkIndexCaps } from '../sources/apk/index-caps.js';

/**
 * What the verify pipelines take, split the way sigstore-js splits it: trust material (keys,
 * trusted root), verifier switches, and expectations about who signed and how it was built.
 * The CLI builds these from flags in one tested function per command (cli/options.ts).
 */

/** Who must have signed a keyless signature. Regular expressions are always anchored. */
export interface IdentityExpectation {
  readonly identity?: string;
  readonly identityRegexp?: string;
  readonly issuer?: string;
  readonly issuerRegexp?: string;
}

export interface SigstoreOptions {
  /** PEM public key file for key-signed bundles and cosign key signatures. */
  readonly key?: string;
  readonly expected: IdentityExpectation;
  /** trusted_root.json file; default: the public-good root embedded in @sigstore/tuf's seeds. */
  readonly trustedRoot?: string;
  /** Online lookup of log entries for signatures that carry no proof; off by default. */
  readonly rekorUrl?: string;
  /** Accept signatures without transparency-log proof (reported loudly). */
  readonly insecureIgnoreTlog: boolean;
}

/** slsa-verifier's expectations; every one given must hold. */
export interface ProvenanceExpectations {
  readonly sourceUri?: string;
  readonly sourceBranch?: string;
  readonly sourceTag?: string;
  readonly sourceVersionedTag?: string;
  readonly builderId?: string;
  readonly workflowInputs: Readonly<Record<string, string>>;
}

/** Caps against hostile input; defaults are generous for real packages and images. */
export interface Limits {
  /** Largest decompressed size of one apk, layer or archive, in bytes. */
  readonly maxDecompressedBytes: number;
  /** Largest number of tar entries in one apk or layer. */
  readonly maxEntries: number;
  /** Largest ratio of decompressed to compressed bytes (gzip bombs). */
  readonly maxRatio: number;
  /** Largest JSON document (bundle, manifest, SBOM, index) read whole, in bytes. */
  readonly maxDocumentBytes: number;
  /** Largest number of tar entries in all layers of one image together (default below). */
  readonly maxImageEntries?: number;
  /** Largest number of reconciliation findings for one image (default below). */
  readonly maxFindings?: number;
  /** Largest zstd window a layer may ask for, in bytes (zstd's own default, 128 MiB). */
  readonly maxZstdWindow?: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDecompressedBytes: 8 * 1024 ** 3,
  maxEntries: 1_000_000,
  maxRatio: 1000,
  maxDocumentBytes: 64 * 1024 ** 2,
  maxImageEntries: 2_000_000,
  maxFindings: 200_000,
  maxZstdWindow: 128 * 1024 ** 2,
};

export interface ApkOptions {
  /** A local file, an http(s) URL, or a package name (`name` or `name=version`) with `repository`. */
  readonly target: string;
  readonly keys: readonly string[];
  readonly keyrings: readonly string[];
  readonly repository?: string;
  readonly arch: string;
  readonly limits: Limits;
  /** Caps of a repository index (compressed, decompressed, lines); default DEFAULT_APK_INDEX_CAPS. */
  readonly indexCaps?: ApkIndexCaps;
  /**
   * The trusted keys already loaded (loadApkKeyring over `keys` and `keyrings`): a caller that
   * verifies many packages loads them once per run instead of once per package. When absent,
   * they are loaded from `keys` and `keyrings`.
   */
  readonly keyring?: ApkKeyring;
}

export interface ArtifactOptions {
  /** A file path, or `sha256:<hex>` when only the digest is known. */
  readonly target: string;
  readonly bundle?: string;
  readonly attestations: readonly string[];
  readonly sigstore: SigstoreOptions;
  readonly provenance: ProvenanceExpectations;
  readonly limits: Limits;
}

export interface RegistryOptions {
  readonly username?: string;
  readonly password?: string;
  readonly allowHttp: boolean;
}

export interface ImageOptions {
  /** registry reference, `oci:<dir>[:tag|@digest]` or `docker-archive:<file>`. */
  readonly reference: string;
  /** os/arch[/variant]; default linux/<host arch>. */
  readonly platform: string;
  /** The docker-reference cosign simple-signing payloads must name (exact match), when given. */
  readonly dockerReference?: string;
  readonly sigstore: SigstoreOptions;
  readonly provenance: ProvenanceExpectations;
  readonly registry: RegistryOptions;
  readonly limits: Limits;
  /**
   * Whether the layers are read (inventory, apk database, reconciliation); default true. Resolve
   * it from a contents mode and the policies with readsContents (policy/contents-use.ts): a
   * signature or provenance check needs manifests and small blobs only.
   */
  readonly readContents?: boolean;
}

/** `vouch rootfs`: a root filesystem as a directory or one tar file (plain, gzip or zstd). */
export interface RootfsOptions {
  readonly target: string;
  readonly limits: Limits;
}

/** The command's deadline (--timeout): every network request follows the signal it makes. */
export { DEFAULT_COMMAND_TIMEOUT_MS, commandDeadline } from '../sources/net/deadline.js';
