/**
 * Image and artifact subjects of a batch: each verified as `vouch image REF` / `vouch artifact
 * FILE` verify one, and keyed in the verdict cache by the digest known before verifying.
 */
import type { RunContext } from '../context.js';
import { collectArtifactEvidence } from '../pipeline/artifact.js';
import { collectImageEvidence } from '../pipeline/image.js';
import type { ArtifactOptions, ImageOptions } from '../pipeline/options.js';
import { openImageSource, resolveImage } from '../sources/image/open.js';
import { parsePlatform } from '../sources/image/platform.js';
import { parseImageReference } from '../sources/image/reference.js';
import type { CachedVerification } from './cached.js';
import type { BatchSubject } from './run.js';
import { fileDigest } from './verify.js';
import type { Judge } from './verify.js';

/**
 * The platform manifest's digest the reference resolves to (one manifest request, or a look into
 * the local layout or archive): a tag that moved resolves to the new image and misses the cache.
 */
export async function resolvedImageDigest(options: ImageOptions, ctx: RunContext): Promise<string> {
  const { registry } = options;
  const core = await openImageSource(
    parseImageReference(options.reference),
    {
      ...(registry.username !== undefined && { username: registry.username }),
      ...(registry.password !== undefined && { password: registry.password }),
      allowHttp: registry.allowHttp,
      maxDocumentBytes: options.limits.maxDocumentBytes,
    },
    ctx,
  );
  try {
    return (await resolveImage(core, parsePlatform(options.platform))).digest;
  } finally {
    await core.close();
  }
}

export function imageVerification(subject: BatchSubject, options: ImageOptions, judge: Judge, ctx: RunContext): CachedVerification {
  const mine: ImageOptions = { ...options, reference: subject.name };
  return {
    subjectDigest: () => resolvedImageDigest(mine, ctx),
    verify: async () => judge(await collectImageEvidence(mine, ctx)),
    confirms: (report, digest) => report.evidence.subject.digest === digest,
  };
}

// A digest named on the command line is the subject digest itself (sha512: npm integrity).
const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

export function artifactVerification(subject: BatchSubject, options: ArtifactOptions, judge: Judge, ctx: RunContext): CachedVerification {
  const mine: ArtifactOptions = { ...options, target: subject.name };
  return {
    subjectDigest: () => (DIGEST.test(subject.name) ? Promise.resolve(subject.name) : fileDigest(subject.name, 'artifact', ctx.signal)),
    verify: async () => judge(await collectArtifactEvidence(mine, ctx)),
    confirms: (report, digest) => report.evidence.subject.digest === digest,
  };
}
