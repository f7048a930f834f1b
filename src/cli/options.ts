import { VouchError } from '../errors.js';
import { checkIdentityExpectation } from '../library/expectations.js';
import { apkArch, ociPlatform } from '../library/host.js';
import { DEFAULT_APK_INDEX_CAPS, DEFAULT_LIMITS } from '../pipeline/options.js';
import type { ApkIndexCaps, ApkOptions, ArtifactOptions, IdentityExpectation, ImageOptions, Limits, ProvenanceExpectations, RootfsOptions, SigstoreOptions } from '../pipeline/options.js';


/** Flag values as oclif hands them over (optional strings may be undefined). */
type FlagBag = Readonly<Record<string, unknown>>;

export { apkArch, ociPlatform } from '../library/host.js';

const str = (flags: FlagBag, name: string): string | undefined => {
  const v = flags[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const strs = (flags: FlagBag, name: string): string[] => (Array.isArray(flags[name]) ? (flags[name] as string[]) : []);
const defined = <T extends object>(obj: T): T =>
  Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;

export function toApkOptions(target: string, flags: FlagBag): ApkOptions {
  return defined({
    target,
    keys: strs(flags, 'apk-key'),
    keyrings: strs(flags, 'keyring'),
    repository: str(flags, 'repository'),
    arch: str(flags, 'arch') ?? apkArch(),
    limits: toLimits(flags),
    indexCaps: toApkIndexCaps(flags),
  });
}

/** The caps of an apk repository index, from the --max-index-* flags of `vouch apk`. */
export function toApkIndexCaps(flags: FlagBag): ApkIndexCaps {
  const d = DEFAULT_APK_INDEX_CAPS;
  return {
    maxIndexBytes: flagOr(flags, 'max-index-size', d.maxIndexBytes, parseSize),
    maxIndexDecompressedBytes: flagOr(flags, 'max-index-decompressed-size', d.maxIndexDecompressedBytes, parseSize),
    maxIndexLines: flagOr(flags, 'max-index-lines', d.maxIndexLines, positiveInteger),
  };
}

/** The flags that set each field of the identity expectation, for usage messages. */
const IDENTITY_FLAGS = { identity: '--certificate-identity', identityRegexp: '--certificate-identity-regexp', issuer: '--certificate-oidc-issuer', issuerRegexp: '--certificate-oidc-issuer-regexp' } as const;

export function toSigstoreOptions(flags: FlagBag): SigstoreOptions {
  const expected: IdentityExpectation = defined({
    identity: str(flags, 'certificate-identity'),
    identityRegexp: str(flags, 'certificate-identity-regexp'),
    issuer: str(flags, 'certificate-oidc-issuer'),
    issuerRegexp: str(flags, 'certificate-oidc-issuer-regexp'),
  });
  checkIdentityExpectation(expected, IDENTITY_FLAGS);
  return defined({
    key: str(flags, 'key'),
    expected,
    trustedRoot: str(flags, 'trusted-root'),
    rekorUrl: str(flags, 'rekor-url'),
    insecureIgnoreTlog: flags['insecure-ignore-tlog'] === true,
  });
}

/** The flags that state a provenance expectation besides --source-uri, which each of them needs. */
const SOURCE_DEPENDENT_FLAGS = ['source-branch', 'source-tag', 'source-versioned-tag', 'builder-id', 'build-workflow-input'];

/**
 * The built-in policies that demand provenance of images and artifacts. Naming one of them without
 * --source-uri is a usage error: they would fail anyway, since a provenance that names no source
 * repository lets any repository's build on a trusted builder pass.
 */
const PROVENANCE_POLICIES = ['provenance', 'strict'];

const SOURCE_URI_HINT = 'e.g. --source-uri github.com/OWNER/REPO (the repository the provenance must name, as slsa-verifier requires)';

/**
 * Provenance is verified against the repository it must come from, as slsa-verifier does: without
 * --source-uri any repository's build on a trusted builder would pass. Every other provenance
 * expectation, an --attestation to verify, or a built-in policy that demands provenance therefore
 * needs it.
 */
export function requireSourceUri(flags: FlagBag, policySpecs: readonly string[]): void {
  if (str(flags, 'source-uri') !== undefined) return;
  const dependent = SOURCE_DEPENDENT_FLAGS.find((name) => str(flags, name) !== undefined || strs(flags, name).length > 0);
  const reason = dependent !== undefined
    ? `--${dependent}`
    : strs(flags, 'attestation').length > 0
      ? '--attestation (provenance verification)'
      : (() => {
          const policy = policySpecs.find((p) => PROVENANCE_POLICIES.includes(p));
          return policy === undefined ? undefined : `--policy ${policy}`;
        })();
  if (reason === undefined) return;
  throw new VouchError({
    code: 'USAGE',
    message: `${reason} needs --source-uri: provenance without the source repository it must name lets any repository's build on a trusted builder pass`,
    hints: [SOURCE_URI_HINT],
  });
}

export function toProvenanceExpectations(flags: FlagBag): ProvenanceExpectations {
  const workflowInputs: Record<string, string> = {};
  for (const pair of strs(flags, 'build-workflow-input')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new VouchError({ code: 'USAGE', message: `--build-workflow-input must be key=value, got ${JSON.stringify(pair)}` });
    workflowInputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return defined({
    sourceUri: str(flags, 'source-uri'),
    sourceBranch: str(flags, 'source-branch'),
    sourceTag: str(flags, 'source-tag'),
    sourceVersionedTag: str(flags, 'source-versioned-tag'),
    builderId: str(flags, 'builder-id'),
    workflowInputs,
  });
}

export function toArtifactOptions(target: string, flags: FlagBag): ArtifactOptions {
  const bundle = str(flags, 'bundle');
  const attestations = strs(flags, 'attestation');
  if (bundle === undefined && attestations.length === 0) {
    throw new VouchError({ code: 'USAGE', message: 'give --bundle <file> (a signature) or --attestation <file> (provenance) to verify the artifact against' });
  }
  return defined({
    target,
    bundle,
    attestations,
    sigstore: toSigstoreOptions(flags),
    provenance: toProvenanceExpectations(flags),
    limits: toLimits(flags),
  });
}

export function toImageOptions(reference: string, flags: FlagBag): ImageOptions {
  const dockerReference = str(flags, 'docker-reference');
  return {
    reference,
    platform: str(flags, 'platform') ?? ociPlatform(),
    ...(dockerReference !== undefined && { dockerReference }),
    sigstore: toSigstoreOptions(flags),
    provenance: toProvenanceExpectations(flags),
    registry: defined({
      username: str(flags, 'registry-username') ?? process.env['VOUCH_REGISTRY_USERNAME'],
      password: str(flags, 'registry-password') ?? process.env['VOUCH_REGISTRY_PASSWORD'],
      allowHttp: flags['allow-http-registry'] === true,
    }),
    limits: toLimits(flags),
  };
}

export function toRootfsOptions(target: string, flags: FlagBag): RootfsOptions {
  return { target, limits: toLimits(flags) };
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tib: 1024 ** 4 };

/** A byte size: a plain number, or with a unit (64MiB, 8GiB, 500MB). */
export function parseSize(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new VouchError({ code: 'USAGE', message: `${flag} must be a positive size such as 512MiB or 8GiB, got ${JSON.stringify(value)}` });
  return bytes;
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new VouchError({ code: 'USAGE', message: `${flag} must be a positive whole number, got ${JSON.stringify(value)}` });
  return n;
}

/** The caps against hostile input, from --max-* flags; the defaults suit real packages and images. */
export function toLimits(flags: FlagBag): Limits {
  const d = DEFAULT_LIMITS;
  return {
    maxDecompressedBytes: flagOr(flags, 'max-size', d.maxDecompressedBytes, parseSize),
    maxEntries: flagOr(flags, 'max-entries', d.maxEntries, positiveInteger),
    maxRatio: flagOr(flags, 'max-ratio', d.maxRatio, positiveInteger),
    maxDocumentBytes: flagOr(flags, 'max-document-size', d.maxDocumentBytes, parseSize),
    ...optionalLimits(flags),
  };
}

/** A flag's value read by `parse` (which names the flag in its usage error), or the default when absent. */
function flagOr<T extends number | undefined>(flags: FlagBag, name: string, fallback: T, parse: (value: string, flag: string) => number): number | T {
  const value = str(flags, name);
  return value === undefined ? fallback : parse(value, `--${name}`);
}

/** The image-wide caps (ignored by apk and artifact, which have no flags for them). */
function optionalLimits(flags: FlagBag): Pick<Limits, 'maxImageEntries' | 'maxFindings' | 'maxZstdWindow'> {
  const window = str(flags, 'max-zstd-window');
  const zstd = window === undefined ? undefined : parseSize(window, '--max-zstd-window');
  if (zstd !== undefined && (zstd < 1024 || zstd > 2 * 1024 ** 3)) {
    throw new VouchError({ code: 'USAGE', message: `--max-zstd-window must be between 1KiB and 2GiB, got ${JSON.stringify(window)}` });
  }
  return {
    maxImageEntries: flagOr(flags, 'max-image-entries', DEFAULT_LIMITS.maxImageEntries, positiveInteger),
    maxFindings: flagOr(flags, 'max-findings', DEFAULT_LIMITS.maxFindings, positiveInteger),
    maxZstdWindow: zstd ?? DEFAULT_LIMITS.maxZstdWindow,
  };
}
