import type { Logger } from '../context.js';
import type { ProgressSink } from '../progress.js';
import { VouchError } from '../errors.js';
import { DEFAULT_APK_INDEX_CAPS, DEFAULT_LIMITS } from '../pipeline/options.js';
import type { ApkIndexCaps, ApkOptions, ArtifactOptions, ImageOptions, Limits, ProvenanceExpectations, RegistryOptions, SigstoreOptions } from '../pipeline/options.js';
import { checkIdentityExpectation } from './expectations.js';
import { apkArch, ociPlatform } from './host.js';
import type { PolicyInput } from './policies.js';

/**
 * What a caller of verifyImage/verifyApk/verifyArtifact gives. Each request is the pipeline's own
 * options (src/pipeline/options.ts: subject, trust material, verifier switches, expectations)
 * with every part that has a safe default made optional, plus how to run: policies, effective
 * time, abort signal, deadline. A complete pipeline options object is a valid request, which is
 * how the CLI calls the library: flags → options → the same function a library user calls.
 */
export interface RunOptions {
  /** Built-in names, YAML files, `{ yaml, source }` or loaded Policy objects; none: the default policy. */
  readonly policies?: readonly PolicyInput[];
  /** Judge as of this time (rules' `now`, waiver expiry, report time); default: the clock. */
  readonly effectiveTime?: Date;
  /** Aborts the verification; the call then rejects. */
  readonly signal?: AbortSignal;
  /** The deadline over the whole verification in milliseconds (default 10 minutes); past it, NETWORK. */
  readonly timeoutMs?: number;
  /** Wall-clock budget of the policy evaluation in milliseconds (default 10 s); past it, LIMIT_EXCEEDED. */
  readonly policyTimeoutMs?: number;
  /** Where progress and warnings go; default: nowhere. */
  readonly log?: Logger;
  /**
   * Told how far long reads got (layers, downloads, files, root filesystems): see ProgressEvent.
   * Called synchronously while bytes stream, so it must return at once (throttle any drawing);
   * one event object is updated in place per piece of work. A callback that throws is logged
   * and not called again; progress never changes the verification. Default: none.
   */
  readonly onProgress?: ProgressSink;
}

/** Sigstore trust material (key, trustedRoot), verifier switches and the expected signer, all optional. */
export type SigstoreInput = Partial<SigstoreOptions>;

type Common = RunOptions & { readonly limits?: Partial<Limits> };

export interface VerifyImageOptions extends Common {
  /** Registry reference (by digest, best), `oci:<dir>[:tag|@digest]` or `docker-archive:<file>`. */
  readonly reference: string;
  readonly platform?: string;
  readonly dockerReference?: string;
  readonly sigstore?: SigstoreInput;
  readonly provenance?: Partial<ProvenanceExpectations>;
  readonly registry?: Partial<RegistryOptions>;
}

export interface VerifyApkOptions extends Common {
  /** A local .apk, an http(s) URL, `name[=version]` with `repository`, or an APKINDEX.tar.gz. */
  readonly target: string;
  /** Trusted RSA public keys (PEM files) and directories of them. */
  readonly keys?: readonly string[];
  readonly keyrings?: readonly string[];
  readonly repository?: string;
  readonly arch?: string;
  readonly indexCaps?: Partial<ApkIndexCaps>;
}

export interface VerifyArtifactOptions extends Common {
  /** A file path, or `sha256:<hex>` when only the digest is known. */
  readonly target: string;
  readonly bundle?: string;
  readonly attestations?: readonly string[];
  readonly sigstore?: SigstoreInput;
  readonly provenance?: Partial<ProvenanceExpectations>;
}

function subjectOf(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new VouchError({ code: 'USAGE', message: `${name} must be a non-empty string` });
  return value;
}

/** Limits given replace the defaults one by one; each must be a positive whole number. */
function limitsOf(given: Partial<Limits> | undefined): Limits {
  const limits = { ...DEFAULT_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new VouchError({ code: 'USAGE', message: `limits.${name} must be a positive whole number, got ${JSON.stringify(value)}` });
    }
  }
  return limits;
}

function sigstoreOf(given: SigstoreInput | undefined): SigstoreOptions {
  const expected = given?.expected ?? {};
  checkIdentityExpectation(expected);
  return { ...given, expected, insecureIgnoreTlog: given?.insecureIgnoreTlog === true };
}

function provenanceOf(given: Partial<ProvenanceExpectations> | undefined): ProvenanceExpectations {
  return { ...given, workflowInputs: given?.workflowInputs ?? {} };
}

export function imageOptionsOf(o: VerifyImageOptions): ImageOptions {
  return {
    reference: subjectOf(o.reference, 'reference'),
    platform: o.platform ?? ociPlatform(),
    ...(o.dockerReference !== undefined && { dockerReference: o.dockerReference }),
    sigstore: sigstoreOf(o.sigstore),
    provenance: provenanceOf(o.provenance),
    registry: { ...o.registry, allowHttp: o.registry?.allowHttp === true },
    limits: limitsOf(o.limits),
  };
}

export function apkOptionsOf(o: VerifyApkOptions): ApkOptions {
  return {
    target: subjectOf(o.target, 'target'),
    keys: o.keys ?? [],
    keyrings: o.keyrings ?? [],
    ...(o.repository !== undefined && { repository: o.repository }),
    arch: o.arch ?? apkArch(),
    limits: limitsOf(o.limits),
    indexCaps: { ...DEFAULT_APK_INDEX_CAPS, ...o.indexCaps },
  };
}

export function artifactOptionsOf(o: VerifyArtifactOptions): ArtifactOptions {
  const attestations = o.attestations ?? [];
  if (o.bundle === undefined && attestations.length === 0) {
    throw new VouchError({ code: 'USAGE', message: 'give bundle (a signature) or attestations (provenance) to verify the artifact against' });
  }
  return {
    target: subjectOf(o.target, 'target'),
    ...(o.bundle !== undefined && { bundle: o.bundle }),
    attestations,
    sigstore: sigstoreOf(o.sigstore),
    provenance: provenanceOf(o.provenance),
    limits: limitsOf(o.limits),
  };
}
