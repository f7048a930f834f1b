/**
 * Admission of an image through a VSA: resolve the reference to its digest (manifests only, no
 * layer is read), find the VSAs (the --vsa file, else the image's referrers and its cosign `.att`
 * tag), and let checkVsa decide. Used: the report passes with the VSA as evidence. Not used: the
 * caller verifies in full and records why.
 */
import type { RunContext } from '../context.js';
import type { Subject, VsaEvidence } from '../evidence/index.js';
import type { ImageOptions } from '../pipeline/options.js';
import { toolVersion } from '../pipeline/tool-version.js';
import type { Policy } from '../policy/index.js';
import { policiesDigest } from '../policy/index.js';
import type { Report } from '../report/types.js';
import { discoverAttachments } from '../sources/image/discover.js';
import { resolveImage } from '../sources/image/open.js';
import { openImageFor } from '../pipeline/image.js';
import { parsePlatform } from '../sources/image/platform.js';
import { chooseVsa } from './admit.js';
import type { VsaCandidate } from './admit.js';
import { vsaAdmissionReport } from './report.js';
import { BUNDLE_PREDICATE_ANNOTATION, VSA_PREDICATE_TYPE } from './types.js';
import type { TrustedVsaKey } from './types.js';

export interface ImageVsaOptions {
  readonly keys: readonly TrustedVsaKey[];
  /** --vsa: the VSA to use; without it, the registry (or layout) is searched. */
  readonly file?: VsaCandidate;
  readonly trustedVerifiers: readonly string[];
  readonly maxAgeMs: number;
}

export type ImageVsaOutcome = { readonly kind: 'used'; readonly report: Report } | { readonly kind: 'not-used'; readonly vsa: VsaEvidence };

export async function admitImageWithVsa(options: ImageOptions, policies: readonly Policy[], vsa: ImageVsaOptions, ctx: RunContext): Promise<ImageVsaOutcome> {
  const { limits } = options;
  const core = await openImageFor(options, ctx);
  try {
    const image = await resolveImage(core, parsePlatform(options.platform));
    let candidates: VsaCandidate[];
    if (vsa.file) candidates = [vsa.file];
    else {
      const found = await discoverAttachments(core, [{ digest: image.digest }], limits.maxDocumentBytes, ctx.log);
      candidates = found.attachments.flatMap((a): VsaCandidate[] => {
        const type = a.annotations[BUNDLE_PREDICATE_ANNOTATION] ?? a.annotations['predicateType'];
        if (type !== VSA_PREDICATE_TYPE) return [];
        if (a.kind === 'sigstore-bundle') return [{ bytes: a.bundle, source: a.source }];
        if (a.kind === 'dsse-attestation') return [{ bytes: a.envelope, source: a.source }];
        return [];
      });
    }
    ctx.log.debug(`${core.name}: ${candidates.length} VSA candidate(s) for ${image.digest}`);
    const decision = chooseVsa(candidates, {
      keys: vsa.keys,
      subjectDigest: image.digest,
      policiesDigest: policiesDigest(policies),
      trustedVerifiers: vsa.trustedVerifiers,
      maxAgeMs: vsa.maxAgeMs,
      now: ctx.now,
      maxDocumentBytes: limits.maxDocumentBytes,
    });
    if (!decision.used) return { kind: 'not-used', vsa: decision };
    const subject: Subject = {
      kind: 'image',
      reference: options.reference,
      digest: image.digest,
      name: core.name,
      ...(image.platform !== undefined && { platform: image.platform }),
      mediaType: image.mediaType,
      ...(image.index && { indexDigest: image.index.digest }),
      size: image.size,
    };
    return { kind: 'used', report: vsaAdmissionReport(subject, decision, policies, ctx.now, toolVersion()) };
  } finally {
    await core.close();
  }
}
