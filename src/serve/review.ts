/**
 * AdmissionReview v1 in and out: read the request a Kubernetes API server sends, judge every
 * image of its object, and answer with the same uid. A request that is not an AdmissionReview v1
 * is refused (HTTP 400), which the API server treats as a webhook failure: with failurePolicy
 * Fail, the object is not admitted.
 */
import type { RunContext } from '../context.js';
import type { ImageDecision, ImageJudge } from './judge-image.js';
import { oneLine } from './deadline.js';
import { imageSitesOf } from './images.js';

export interface ReviewRequest {
  readonly uid: string;
  readonly kind: string;
  readonly subResource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly operation: string;
  readonly dryRun: boolean;
  readonly object: unknown;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly message: string };
  readonly warnings?: readonly string[];
  readonly patchType?: 'JSONPatch';
  readonly patch?: string;
}

/** Kubernetes shows warnings of up to 120 characters and drops longer ones; keep each under it. */
export const MAX_WARNING_LENGTH = 119;
/** The denial message stays one readable line. */
export const MAX_MESSAGE_LENGTH = 4096;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The request of an AdmissionReview v1, or a reason it is not one. */
export function readReview(body: unknown): ReviewRequest | string {
  if (!isObject(body) || body['apiVersion'] !== 'admission.k8s.io/v1' || body['kind'] !== 'AdmissionReview') return 'not an admission.k8s.io/v1 AdmissionReview';
  const req = body['request'];
  if (!isObject(req)) return 'the AdmissionReview has no request';
  const uid = text(req['uid']);
  if (uid === undefined || uid === '' || uid.length > 256) return 'the request has no uid';
  const kind = isObject(req['kind']) ? text(req['kind']['kind']) : undefined;
  if (kind === undefined) return 'the request names no kind';
  const sub = text(req['subResource']);
  const namespace = text(req['namespace']);
  const name = text(req['name']);
  return {
    uid,
    kind,
    ...(sub !== undefined && { subResource: sub }),
    ...(namespace !== undefined && { namespace }),
    ...(name !== undefined && { name }),
    operation: text(req['operation']) ?? '',
    dryRun: req['dryRun'] === true,
    object: req['object'],
  };
}

/** The validating answer: allowed only when no image is denied. Dry runs are answered the same way. */
export async function validate(request: ReviewRequest, judge: ImageJudge, ctx: RunContext): Promise<{ response: AdmissionResponse; decisions: readonly ImageDecision[] }> {
  const found = imageSitesOf(request.kind, request.subResource, request.object);
  if (found.kind === 'unsupported') {
    return { response: deny(request.uid, `vouch: ${found.message}`), decisions: [] };
  }
  const decisions = await Promise.all(found.sites.map((s) => judge.judge(s.image, ctx)));
  const denied = decisions.filter((d) => d.verdict === 'deny');
  const warnings = [...new Set(decisions.flatMap((d) => d.warnings))].map(shortWarning);
  if (denied.length > 0) {
    const message = `vouch: ${denied.map((d) => d.message).join('; ')}`;
    return { response: deny(request.uid, message, warnings), decisions };
  }
  return { response: { uid: request.uid, allowed: true, ...(warnings.length > 0 && { warnings }) }, decisions };
}

/**
 * The mutating answer: every image given by tag that an image policy matches is pinned to the
 * digest the tag names now, as `repo:tag@sha256:…` (GitOps tools still see their tag). Mutation
 * never admits anything on its own: the validating webhook verifies the pinned image; an image
 * that cannot be resolved is left as it is, with a warning, and the validation denies it.
 */
export async function mutate(request: ReviewRequest, judge: ImageJudge, ctx: RunContext): Promise<AdmissionResponse> {
  const found = imageSitesOf(request.kind, request.subResource, request.object);
  if (found.kind === 'unsupported') return { uid: request.uid, allowed: true };
  const patch: { op: 'replace'; path: string; value: string }[] = [];
  const warnings: string[] = [];
  await Promise.all(
    found.sites.map(async (site) => {
      const target = judge.pinnable(site.image);
      if (!target) return;
      try {
        const digest = await judge.resolve(target.ref, ctx);
        patch.push({ op: 'replace', path: site.pointer, value: `${site.image}@${digest}` });
      } catch (err) {
        warnings.push(shortWarning(`vouch: ${site.image} not pinned: ${err instanceof Error ? err.message : String(err)}`));
      }
    }),
  );
  patch.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    uid: request.uid,
    allowed: true,
    ...(patch.length > 0 && { patchType: 'JSONPatch' as const, patch: Buffer.from(JSON.stringify(patch)).toString('base64') }),
    ...(warnings.length > 0 && { warnings: warnings.sort() }),
  };
}

function deny(uid: string, message: string, warnings: readonly string[] = []): AdmissionResponse {
  const line = oneLine(message);
  const status = { code: 403, message: line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : line };
  return { uid, allowed: false, status, ...(warnings.length > 0 && { warnings }) };
}

export function shortWarning(warning: string): string {
  const line = oneLine(warning);
  return line.length > MAX_WARNING_LENGTH ? `${line.slice(0, MAX_WARNING_LENGTH - 1)}…` : line;
}

/** The AdmissionReview document that carries a response. */
export function reviewOf(response: AdmissionResponse): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}
