/**
 * --vsa-attach: puts the signed VSA next to the image in its registry, where admission looks.
 * With the OCI 1.1 referrers API: a manifest whose subject is the verified digest, artifactType the
 * bundle media type and the `dev.sigstore.bundle.predicateType` annotation, as cosign v3 attaches
 * bundles. Without it (distribution 2.8 and other older registries): the bare DSSE envelope as
 * one more layer of the cosign `.att` tag (sha256-<hex>.att), the layout cosign's
 * `attest` has always used, with the `predicateType` layer annotation cosign writes.
 */
import { VouchError } from '../errors.js';
import type { RunContext } from '../context.js';
import type { Limits, RegistryOptions } from '../pipeline/options.js';
import type { Digest } from '../sources/image/digest.js';
import { hexOf, sha256Digest } from '../sources/image/digest.js';
import { MEDIA } from '../sources/image/media-types.js';
import { parseImageReference } from '../sources/image/reference.js';
import { findCredentials } from '../sources/image/registry/credentials.js';
import { RegistryHttp } from '../sources/image/registry/http.js';
import { RegistryPusher } from '../sources/image/registry/push.js';
import { assertJsonDepth } from '../evidence/index.js';
import type { SignedVsa } from './sign.js';
import { BUNDLE_PREDICATE_ANNOTATION, BUNDLE_V03_MEDIA_TYPE, VSA_PREDICATE_TYPE } from './types.js';

export interface AttachTarget {
  readonly reference: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface Attached {
  readonly method: 'referrer' | 'att-tag';
  /** repository@digest of the referrer manifest, or repository:tag of the .att tag. */
  readonly location: string;
}

const EMPTY_JSON = Buffer.from('{}');

/** Throws USAGE when the reference is not a registry image: a layout or an archive has nowhere to attach to. */
export function checkAttachable(reference: string): void {
  if (parseImageReference(reference).kind !== 'registry') {
    throw new VouchError({ code: 'USAGE', message: '--vsa-attach needs an image in a registry; oci: layouts and docker archives cannot take a referrer', hints: ['write it to a file with --vsa-output instead'] });
  }
}

export async function attachVsa(target: AttachTarget, signed: SignedVsa, registry: RegistryOptions, limits: Limits, ctx: RunContext): Promise<Attached> {
  const ref = parseImageReference(target.reference);
  if (ref.kind !== 'registry') return checkAttachable(target.reference) as never;
  const creds = await findCredentials(ref.registry, { ...(registry.username !== undefined && { username: registry.username }), ...(registry.password !== undefined && { password: registry.password }) }, ctx.log);
  const pusher = new RegistryPusher(ref, new RegistryHttp(ctx.log, undefined, ctx.signal), creds, registry.allowHttp, limits.maxDocumentBytes, ctx.log);
  const subject = target.digest as Digest;
  try {
    const empty = { mediaType: MEDIA.ociEmpty, digest: await pusher.putBlob(EMPTY_JSON), size: EMPTY_JSON.length };
    if (await pusher.hasReferrersApi(subject)) {
      const layer = { mediaType: BUNDLE_V03_MEDIA_TYPE, digest: await pusher.putBlob(signed.bundle), size: signed.bundle.length };
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        artifactType: BUNDLE_V03_MEDIA_TYPE,
        config: empty,
        layers: [layer],
        subject: { mediaType: target.mediaType, digest: subject, size: target.size },
        annotations: { [BUNDLE_PREDICATE_ANNOTATION]: VSA_PREDICATE_TYPE, 'dev.sigstore.bundle.content': 'dsse-envelope' },
      }));
      const put = await pusher.putManifest(sha256Digest(manifest), manifest, MEDIA.ociManifest);
      return { method: 'referrer', location: `${pusher.name}@${put.digest}` };
    }
    const tag = `sha256-${hexOf(subject)}.att`;
    const layer = { mediaType: MEDIA.dsseEnvelope, digest: await pusher.putBlob(signed.envelope), size: signed.envelope.length, annotations: { predicateType: VSA_PREDICATE_TYPE } };
    const existing = await pusher.getManifest(tag);
    const layers = existing ? [...layersOf(existing, `${pusher.name}:${tag}`).filter((l) => l['digest'] !== layer.digest), layer] : [layer];
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: existing ? configOf(existing) : empty, layers }));
    await pusher.putManifest(tag, manifest, MEDIA.ociManifest);
    return { method: 'att-tag', location: `${pusher.name}:${tag}` };
  } finally {
    await pusher.close();
  }
}

/** The layers of the existing .att manifest, kept as they are (other attestations live there too). */
function layersOf(bytes: Buffer, where: string): Record<string, unknown>[] {
  const doc = parseDoc(bytes, where);
  const layers = doc['layers'];
  if (!Array.isArray(layers) || !layers.every((l) => l !== null && typeof l === 'object' && !Array.isArray(l))) {
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `${where}: the existing attestation manifest has no layer list; not overwriting it` });
  }
  return layers as Record<string, unknown>[];
}

function configOf(bytes: Buffer): unknown {
  return parseDoc(bytes, 'the existing attestation manifest')['config'];
}

function parseDoc(bytes: Buffer, where: string): Record<string, unknown> {
  const text = bytes.toString('utf8');
  assertJsonDepth(text, where);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `${where}: the existing attestation manifest is not JSON; not overwriting it` });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new VouchError({ code: 'INPUT_MALFORMED', message: `${where}: the existing attestation manifest is not an object` });
  return doc as Record<string, unknown>;
}
