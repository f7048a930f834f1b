/**
 * The one place the admission server calls vouch's verification: resolve a reference to its
 * digest, and verify an image pinned by digest under one image rule (manifests and small blobs
 * only, never the layers). Kept to this file so that switching to the library's entry point is
 * one edit.
 */
import { toImageOptions } from '../cli/options.js';
import type { RunContext } from '../context.js';
import { isVouchError, messageOf } from '../errors.js';
import { collectImageEvidence } from '../pipeline/image.js';
import { toolVersion } from '../pipeline/tool-version.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import type { Report } from '../report/types.js';
import { openImageSource } from '../sources/image/open.js';
import type { ImageReference } from '../sources/image/reference.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';
import type { ImageRule } from './config.js';

export type RegistryReference = Extract<ImageReference, { kind: 'registry' }>;

/**
 * What became of the verification summaries of an entry that admits through them: used (and
 * until when it may be), or not used and why. Logged with each decision; never shown to the
 * pod's author as a reason to trust the image.
 */
export type VsaNote =
  | { readonly used: true; readonly reason: string; readonly verifier: string; readonly timeVerified: string; readonly validUntil: string }
  | { readonly used: false; readonly reason: string };

/** What verifying one image under one rule found. "error" (could not check) is never cached. */
export type Verification =
  | { readonly kind: 'pass'; readonly warnings: readonly string[]; readonly vsa?: VsaNote }
  | { readonly kind: 'fail'; readonly rule: string; readonly reason: string; readonly warnings: readonly string[]; readonly vsa?: VsaNote }
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly vsa?: VsaNote };

export interface VerifyOptions {
  readonly platform: string;
  readonly allowHttp: boolean;
}

export const VOUCH_VERSION = toolVersion();

/**
 * The digest a reference names now: its own digest, or the tag's manifest (an index stays an
 * index: pinning keeps every platform). One manifest request; the tag is never cached here.
 */
export async function resolveDigest(ref: RegistryReference, options: VerifyOptions, ctx: RunContext): Promise<string> {
  if (ref.digest) return ref.digest;
  const core = await openImageSource(ref, { allowHttp: options.allowHttp, maxDocumentBytes: DEFAULT_LIMITS.maxDocumentBytes }, ctx);
  try {
    return (await core.root()).digest;
  } finally {
    await core.close();
  }
}

/**
 * Verifies `name@digest` (never the tag: a tag moved between resolution and verification would
 * otherwise verify one image and admit another) under `rule`. An entry with VSA keys first looks
 * for a verification summary that proves these very policies passed for this digest; without a
 * usable one the image is verified here (manifests and small blobs), or, when its policies judge
 * the contents, denied: admission does not read layers, and a missing VSA must not become a pass.
 */
export async function verifyPinned(pinned: string, rule: ImageRule, options: VerifyOptions, ctx: RunContext): Promise<Verification> {
  let vsa: VsaNote | undefined;
  try {
    const imageOptions = {
      ...toImageOptions(pinned, { ...rule.flags, platform: options.platform, 'allow-http-registry': options.allowHttp }),
      readContents: false,
    };
    if (rule.vsa) {
      const { admitImageWithVsa } = await import('../vsa/index.js');
      const admitted = await admitImageWithVsa(imageOptions, rule.policies, rule.vsa, ctx);
      if (admitted.kind === 'used') {
        const used = usedNote(admitted.report, rule.vsa.maxAgeMs);
        if (used) return { kind: 'pass', warnings: [], vsa: used };
        vsa = { used: false, reason: 'the VSA report did not pass' };
      } else vsa = { used: false, reason: admitted.vsa.reason };
      if (rule.contentsPolicies.length > 0) {
        return { kind: 'error', code: 'CONTENTS_REQUIRED', message: `no usable verification summary (${vsa.reason}); policy ${rule.contentsPolicies.join(', ')} judges the image contents, which admission does not read`, vsa };
      }
      ctx.log.debug(`${pinned}: VSA not used (${vsa.reason}); verifying`);
    }
    const evidence = await collectImageEvidence(imageOptions, ctx);
    const report = evaluatePolicies(rule.policies, evidence, ctx.now);
    const failed = report.results.filter((r) => r.status === 'fail');
    const warnings = failed.filter((r) => r.severity === 'warning').map((r) => `${r.policy}/${r.rule}: ${r.message}`);
    const error = failed.find((r) => r.severity === 'error');
    if (report.verdict === 'pass' && error === undefined) return { kind: 'pass', warnings, ...(vsa && { vsa }) };
    return {
      kind: 'fail',
      rule: error ? `${error.policy}/${error.rule}` : 'verdict',
      reason: error ? `${error.message}${error.reason ? ` (${error.reason})` : ''}` : 'the policies did not pass',
      warnings,
      ...(vsa && { vsa }),
    };
  } catch (err) {
    // Could not check: the registry, the deadline, a malformed manifest. Never a pass.
    // Whatever broke off because the deadline passed reports the deadline, not its own abort error.
    const reason: unknown = ctx.signal?.aborted ? ctx.signal.reason : undefined;
    const cause = isVouchError(reason) ? reason : err;
    if (isVouchError(cause)) return { kind: 'error', code: cause.code, message: cause.message, ...(vsa && { vsa }) };
    return { kind: 'error', code: 'INTERNAL', message: `internal error: ${messageOf(err)}`, ...(vsa && { vsa }) };
  }
}

/**
 * The note of a VSA that stood in for the verification, with the moment it stops counting
 * (timeVerified + the maximum age): a cached pass must not outlive the VSA it came from.
 */
function usedNote(report: Report, maxAgeMs: number): VsaNote | undefined {
  const v = report.evidence.vsa;
  if (report.verdict !== 'pass' || v?.used !== true || v.timeVerified === undefined) return undefined;
  const at = Date.parse(v.timeVerified);
  if (Number.isNaN(at)) return undefined;
  return { used: true, reason: v.reason, verifier: v.verifier ?? 'unknown verifier', timeVerified: v.timeVerified, validUntil: new Date(at + maxAgeMs).toISOString() };
}
