/** Image and artifact subjects of a run, and the parts of their cache key. */
import type { RunContext } from '../context.js';
import type { ArtifactOptions, ImageOptions, SigstoreOptions } from '../pipeline/options.js';
import { fileDigest } from './verify.js';
import type { Judge } from './verify.js';
import type { TrustPiece } from './cache-key.js';
import { artifactVerification, imageVerification } from './image-artifact.js';
import type { SubjectPlan } from './plan.js';
import type { BatchSubject } from './run.js';

/**
 * The Sigstore trust material by the SHA-256 of its bytes: the --key file, the --trusted-root
 * file (the embedded public-good root is part of vouch's version, also in the key).
 */
async function sigstoreTrust(sigstore: SigstoreOptions, signal?: AbortSignal): Promise<TrustPiece[]> {
  const pieces: TrustPiece[] = [];
  if (sigstore.key !== undefined) pieces.push({ what: '--key', sha256: await fileDigest(sigstore.key, '--key', signal) });
  pieces.push(sigstore.trustedRoot !== undefined ? { what: '--trusted-root', sha256: await fileDigest(sigstore.trustedRoot, '--trusted-root', signal) } : { what: '--trusted-root', sha256: 'embedded' });
  return pieces;
}

/** What besides trust material changes a Sigstore verdict: who must have signed, and how leniently. */
function sigstoreExpectations(sigstore: SigstoreOptions): Record<string, unknown> {
  return { expected: sigstore.expected, rekorUrl: sigstore.rekorUrl ?? null, insecureIgnoreTlog: sigstore.insecureIgnoreTlog };
}

export function imagePlan(references: readonly string[], options: ImageOptions, judge: Judge, expectations: Readonly<Record<string, unknown>>): SubjectPlan<BatchSubject> {
  return {
    subjects: references.map((name) => ({ name, kind: 'image' })),
    verification: (subject, ctx: RunContext) => imageVerification(subject, options, judge, ctx),
    keyInputs: async () => ({
      trust: await sigstoreTrust(options.sigstore),
      // Never the registry credentials: the key must not depend on (or carry) a secret.
      expectations: { ...expectations, kind: 'image', platform: options.platform, dockerReference: options.dockerReference ?? null, sigstore: sigstoreExpectations(options.sigstore), provenance: options.provenance },
    }),
  };
}

export function artifactPlan(targets: readonly string[], options: ArtifactOptions, judge: Judge, expectations: Readonly<Record<string, unknown>>): SubjectPlan<BatchSubject> {
  return {
    subjects: targets.map((name) => ({ name, kind: 'artifact' })),
    verification: (subject, ctx: RunContext) => artifactVerification(subject, options, judge, ctx),
    keyInputs: async () => ({
      trust: await sigstoreTrust(options.sigstore),
      // The bundle and the attestations decide the verdict as much as the file: by their bytes.
      expectations: {
        ...expectations,
        kind: 'artifact',
        bundle: options.bundle === undefined ? null : await fileDigest(options.bundle, '--bundle'),
        attestations: await Promise.all(options.attestations.map((a) => fileDigest(a, '--attestation'))),
        sigstore: sigstoreExpectations(options.sigstore),
        provenance: options.provenance,
      },
    }),
  };
}
