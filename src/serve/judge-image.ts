/**
 * One image of an admission request, judged: match its rule, resolve it to a digest, take the
 * verdict from the cache or verify it (one verification per key however many requests ask at
 * once), and turn that into allow, warn or deny with a one-line reason.
 */
import { verdictCacheKey } from '../cache/key.js';
import type { VerdictCache } from '../cache/types.js';
import type { RunContext } from '../context.js';
import { isVouchError, messageOf } from '../errors.js';
import { EVIDENCE_SCHEMA_VERSION } from '../evidence/types.js';
import { globMatch } from '../policy/functions.js';
import { parseImageReference } from '../sources/image/reference.js';
import type { ImageRule, ServeConfig } from './config.js';
import { singleFlight } from './cache.js';
import { concurrencyLimit, MAX_CONCURRENT_REGISTRY_WORK } from './limit.js';
import { resolveDigest, verifyPinned, VOUCH_VERSION } from './verify.js';
import type { RegistryReference, Verification, VerifyOptions, VsaNote } from './verify.js';
import { parseUntrustedJson } from '../evidence/index.js';
import { budget, oneLine, raceDeadline, raceResolve } from './deadline.js';

export type ImageVerdict = 'allow' | 'warn' | 'deny';

export interface ImageDecision {
  readonly image: string;
  readonly verdict: ImageVerdict;
  /** The digest the image was verified at (absent when it was never resolved). */
  readonly digest?: string;
  /** The configuration entry that matched, or "unmatched". */
  readonly rule: string;
  /** One line: the image, its digest and why. */
  readonly message: string;
  readonly warnings: readonly string[];
  readonly cache: 'hit' | 'miss' | 'none';
  /** For an entry that admits through verification summaries: whether one was used, and why (or why not). */
  readonly vsa?: VsaNote;
}

/** Image references longer than this are not references (the glob match is O(value × pattern)). */
export const MAX_IMAGE_LENGTH = 1024;

export interface ImageJudge {
  judge(image: string, ctx: RunContext): Promise<ImageDecision>;
  /** The digest to pin a tag to (mutation), or undefined when the image is not pinned by vouch. */
  pinnable(image: string): { ref: RegistryReference; rule: ImageRule } | undefined;
  resolve(ref: RegistryReference, ctx: RunContext): Promise<string>;
}

export interface JudgeOptions extends VerifyOptions {
  readonly config: ServeConfig;
  readonly cache: VerdictCache;
  /** The budget of one verification (shared by every request waiting for it). */
  readonly timeoutMs: number;
  readonly onVerified?: (seconds: number, verification: Verification) => void;
  readonly clock: () => Date;
}

export function imageJudge(options: JudgeOptions): ImageJudge {
  const { config, cache } = options;
  const flight = singleFlight<Verification>();
  const limited = concurrencyLimit(MAX_CONCURRENT_REGISTRY_WORK);
  const verifyOptions: VerifyOptions = { platform: options.platform, allowHttp: options.allowHttp };

  const match = (ref: RegistryReference): ImageRule | undefined => config.rules.find((r) => globMatch(`${ref.registry}/${ref.repository}`, r.pattern));

  const parse = (image: string): RegistryReference | string => {
    if (image === '' || image.length > MAX_IMAGE_LENGTH) return 'not an image reference';
    try {
      const ref = parseImageReference(image);
      // oci: and docker-archive: would make the server read its own files on a pod's say-so.
      return ref.kind === 'registry' ? ref : `not a registry reference (${ref.kind})`;
    } catch (err) {
      return isVouchError(err) ? err.message : messageOf(err);
    }
  };

  async function verified(ref: RegistryReference, digest: string, rule: ImageRule, ctx: RunContext): Promise<{ verification: Verification; cache: 'hit' | 'miss' }> {
    const key = admissionCacheKey(ref, digest, rule);
    const hit = await cache.get(key, options.clock()).catch(() => undefined);
    if (hit) {
      const cached = parseUntrustedJson(hit.reportJson, 'cached verdict') as Verification;
      // A pass that came from a VSA counts only while the VSA does: past its maximum age, verify again.
      if (stillValid(cached, options.clock())) return { verification: cached, cache: 'hit' };
    }
    const shared = flight(key, () => limited(async () => {
      const started = performance.now();
      const deadline = budget(options.timeoutMs);
      try {
        const verification = await verifyPinned(`${ref.registry}/${ref.repository}@${digest}`, rule, verifyOptions, { ...ctx, now: options.clock(), signal: deadline.signal });
        options.onVerified?.((performance.now() - started) / 1000, verification);
        if (verification.kind !== 'error') {
          // The stored document carries its own verdict: the cache module's stores check the two agree.
          const value = { verdict: verification.kind, reportJson: JSON.stringify({ ...verification, verdict: verification.kind }), storedAt: options.clock().toISOString() };
          await cache.put(key, value, options.clock()).catch(() => undefined);
        }
        return verification;
      } finally {
        deadline.dispose();
      }
    }));
    return { verification: await raceDeadline(shared, ctx.signal), cache: 'miss' };
  }

  return {
    pinnable(image) {
      const ref = parse(image);
      if (typeof ref === 'string' || ref.digest !== undefined) return undefined;
      const rule = match(ref);
      return rule ? { ref, rule } : undefined;
    },
    resolve: (ref, ctx) => limited(() => resolveDigest(ref, verifyOptions, ctx)),
    async judge(image, ctx) {
      const shown = oneLine(image).slice(0, 256) || '(none)';
      const ref = parse(image);
      if (typeof ref === 'string') return decision(shown, 'deny', 'invalid', undefined, `image ${shown} denied: ${oneLine(ref)}`, [], 'none');
      const rule = match(ref);
      if (!rule) {
        const verdict: ImageVerdict = config.unmatched;
        const what = verdict === 'deny' ? 'denied: no image policy matches it' : verdict === 'warn' ? 'matches no image policy (admitted with a warning)' : 'matches no image policy (admitted)';
        return decision(shown, verdict, 'unmatched', ref.digest, `image ${shown} ${what}`, verdict === 'warn' ? [`image ${shown} matches no image policy`] : [], 'none');
      }
      const failVerdict: ImageVerdict = rule.mode === 'warn' ? 'warn' : 'deny';
      let digest: string;
      try {
        digest = await raceResolve(limited(() => resolveDigest(ref, verifyOptions, ctx)), ctx.signal);
      } catch (err) {
        const why = isVouchError(ctx.signal?.reason) ? ctx.signal.reason.message : messageOf(err);
        const message = `image ${shown} could not be resolved to a digest (${rule.label}): ${oneLine(why)}`;
        return decision(shown, failVerdict, rule.label, undefined, message, failVerdict === 'warn' ? [message] : [], 'none');
      }
      const { verification, cache: cached } = await verified(ref, digest, rule, ctx);
      const at = `image ${shown} (${digest})`;
      const d = (verdict: ImageVerdict, message: string, warnings: readonly string[]): ImageDecision => ({
        ...decision(shown, verdict, rule.label, digest, message, warnings, cached),
        ...(verification.vsa && { vsa: verification.vsa }),
      });
      switch (verification.kind) {
        case 'pass': {
          const how = verification.vsa?.used ? `admitted through a verification summary of ${oneLine(verification.vsa.verifier)} (${oneLine(verification.vsa.timeVerified)}) under` : 'verified by';
          return d('allow', `${at} ${how} ${rule.label}`, verification.warnings.map((w) => `${at}: ${w}`));
        }
        case 'fail': {
          const message = `${at} failed rule ${verification.rule} of ${rule.label}: ${oneLine(verification.reason)}`;
          return d(failVerdict, message, [...(failVerdict === 'warn' ? [message] : []), ...verification.warnings]);
        }
        case 'error': {
          const message = `${at} could not be verified (${verification.code}) under ${rule.label}: ${oneLine(verification.message)}`;
          return d(failVerdict, message, failVerdict === 'warn' ? [message] : []);
        }
      }
    },
  };
}

/** A cached verdict, unless it is a pass through a VSA past the VSA's own expiry (or of an unreadable one). */
function stillValid(cached: Verification, now: Date): boolean {
  if (cached.kind !== 'pass' || cached.vsa?.used !== true) return true;
  return Date.parse(cached.vsa.validUntil) > now.getTime();
}

/**
 * The cache key of one image under one rule. The repository is part of it: cosign signatures and
 * VSAs live beside the image in its own repository, so one digest can be signed (or summarised)
 * in one repository and not in another.
 */
export function admissionCacheKey(ref: RegistryReference, digest: string, rule: ImageRule): string {
  return verdictCacheKey({
    subjectDigest: digest,
    policiesDigest: rule.entryDigest,
    trustDigest: rule.trustDigest,
    expectationsDigest: `${ref.registry}/${ref.repository}`,
    vouchVersion: VOUCH_VERSION,
    evidenceSchemaVersion: EVIDENCE_SCHEMA_VERSION,
  });
}

function decision(image: string, verdict: ImageVerdict, rule: string, digest: string | undefined, message: string, warnings: readonly string[], cache: ImageDecision['cache']): ImageDecision {
  return { image, verdict, rule, ...(digest !== undefined && { digest }), message, warnings, cache };
}
