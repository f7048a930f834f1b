import { arch as hostArch } from 'node:os';
import { VouchError } from '../errors.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';
import type { ApkOptions, ArtifactOptions, IdentityExpectation, ImageOptions, ProvenanceExpectations, SigstoreOptions } from '../pipeline/options.js';

/** Flag values as oclif hands them over (optional strings may be undefined). */
type FlagBag = Readonly<Record<string, unknown>>;

const str = (flags: FlagBag, name: string): string | undefined => {
  const v = flags[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const strs = (flags: FlagBag, name: string): string[] => (Array.isArray(flags[name]) ? (flags[name] as string[]) : []);
const defined = <T extends object>(obj: T): T =>
  Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;

/** The host architecture in apk's spelling. */
export function apkArch(nodeArch: string = hostArch()): string {
  const map: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7', ia32: 'x86', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[nodeArch] ?? nodeArch;
}

/** The host platform in OCI's spelling. */
export function ociPlatform(nodeArch: string = hostArch()): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return `linux/${map[nodeArch] ?? nodeArch}`;
}

export function toApkOptions(target: string, flags: FlagBag): ApkOptions {
  return defined({
    target,
    keys: strs(flags, 'apk-key'),
    keyrings: strs(flags, 'keyring'),
    repository: str(flags, 'repository'),
    arch: str(flags, 'arch') ?? apkArch(),
    limits: DEFAULT_LIMITS,
  });
}

export function toSigstoreOptions(flags: FlagBag): SigstoreOptions {
  const expected: IdentityExpectation = defined({
    identity: str(flags, 'certificate-identity'),
    identityRegexp: str(flags, 'certificate-identity-regexp'),
    issuer: str(flags, 'certificate-oidc-issuer'),
    issuerRegexp: str(flags, 'certificate-oidc-issuer-regexp'),
  });
  for (const name of ['identityRegexp', 'issuerRegexp'] as const) {
    const re = expected[name];
    if (re !== undefined) {
      try {
        new RegExp(re, 'u');
      } catch (err) {
        throw new VouchError({ code: 'USAGE', message: `invalid regular expression ${JSON.stringify(re)}: ${(err as Error).message}` });
      }
    }
  }
  return defined({
    key: str(flags, 'key'),
    expected,
    trustedRoot: str(flags, 'trusted-root'),
    rekorUrl: str(flags, 'rekor-url'),
    insecureIgnoreTlog: flags['insecure-ignore-tlog'] === true,
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
    limits: DEFAULT_LIMITS,
  });
}

export function toImageOptions(reference: string, flags: FlagBag): ImageOptions {
  return {
    reference,
    platform: str(flags, 'platform') ?? ociPlatform(),
    sigstore: toSigstoreOptions(flags),
    provenance: toProvenanceExpectations(flags),
    registry: defined({
      username: str(flags, 'registry-username') ?? process.env['VOUCH_REGISTRY_USERNAME'],
      password: str(flags, 'registry-password') ?? process.env['VOUCH_REGISTRY_PASSWORD'],
      allowHttp: flags['allow-http-registry'] === true,
    }),
    limits: DEFAULT_LIMITS,
  };
}
