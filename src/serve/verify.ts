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
import { openImageSource } from '../sources/image/open.js';
import type { ImageReference } from '../sources/image/reference.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';
import type { ImageRule } from './config.js';

export type RegistryReference = Extract<ImageReference, { kind: 'registry' }>;

/** What verifying one image under one rule found. "error" (could not check) is never cached. */
export type Verification =
  | { readonly kind: 'pass'; readonly warnings: readonly string[] }
  | { readonly kind: 'fail'; readonly rule: string; readonly reason: string; readonly warnings: readonly string[] }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

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
 * otherwise verify one image and admit another) under `rule`.
 */
export async function verifyPinned(pinned: string, rule: ImageRule, options: VerifyOptions, ctx: RunContext): Promise<Verification> {
  try {
    const imageOptions = {
      ...toImageOptions(pinned, { ...rule.flags, platform: options.platform, 'allow-http-registry': options.allowHttp }),
      readContents: false,
    };
    const evidence = await collectImageEvidence(imageOptions, ctx);
    const report = evaluatePolicies(rule.policies, evidence, ctx.now);
    const failed = report.results.filter((r) => r.status === 'fail');
    const warnings = failed.filter((r) => r.severity === 'warning').map((r) => `${r.policy}/${r.rule}: ${r.message}`);
    const error = failed.find((r) => r.severity === 'error');
    if (report.verdict === 'pass' && error === undefined) return { kind: 'pass', warnings };
    return {
      kind: 'fail',
      rule: error ? `${error.policy}/${error.rule}` : 'verdict',
      reason: error ? `${error.message}${error.reason ? ` (${error.reason})` : ''}` : 'the policies did not pass',
      warnings,
    };
  } catch (err) {
    // Could not check: the registry, the deadline, a malformed manifest. Never a pass.
    // Whatever broke off because the deadline passed reports the deadline, not its own abort error.
    const reason: unknown = ctx.signal?.aborted ? ctx.signal.reason : undefined;
    const cause = isVouchError(reason) ? reason : err;
    if (isVouchError(cause)) return { kind: 'error', code: cause.code, message: cause.message };
    return { kind: 'error', code: 'INTERNAL', message: `internal error: ${messageOf(err)}` };
  }
}
