import type { ImageCore } from './core.js';
import type { Digest } from './digest.js';
import { readCapped } from './digest.js';
import type { Attachment } from './discover-types.js';
import type { Descriptor, RawManifest } from './manifest.js';
import { parseManifest } from './manifest.js';
import { MEDIA, isSigstoreBundleMediaType } from './media-types.js';

export interface ReadResult {
  readonly attachments: Attachment[];
  readonly ignored: { source: string; mediaType: string }[];
}

/**
 * Reads the layers of a signature-carrying manifest (a cosign `.sig`/`.att` manifest, a referrer,
 * a cosign save entry) into attachments. Layer blobs are small documents, read under the cap and
 * checked against their digests. Unknown layer types are listed as ignored, never trusted.
 */
export async function readAttachmentManifest(
  core: ImageCore,
  raw: RawManifest,
  attachedTo: Digest,
  source: string,
  cap: number,
): Promise<ReadResult> {
  const parsed = parseManifest(raw, source);
  const out: ReadResult = { attachments: [], ignored: [] };
  if (parsed.kind !== 'image') {
    out.ignored.push({ source, mediaType: parsed.mediaType });
    return out;
  }
  const manifestAnnotations = parsed.annotations ?? {};
  for (const [i, layer] of parsed.layers.entries()) {
    const where = `${source} layer ${i}`;
    const kind = classify(layer, parsed.artifactType);
    if (!kind) {
      out.ignored.push({ source: where, mediaType: layer.mediaType });
      continue;
    }
    const bytes = await readCapped(await core.blob(layer), cap, where);
    const annotations = { ...manifestAnnotations, ...(layer.annotations ?? {}) };
    switch (kind) {
      case 'cosign-signature':
        out.attachments.push({ kind, attachedTo, source: where, payload: bytes, annotations });
        break;
      case 'dsse-attestation':
        out.attachments.push({ kind, attachedTo, source: where, envelope: bytes, annotations });
        break;
      case 'sigstore-bundle':
        out.attachments.push({ kind, attachedTo, source: where, bundle: bytes, annotations });
        break;
      case 'unsigned-statement':
        out.attachments.push({ kind, attachedTo, source: where, statement: bytes, annotations });
        break;
    }
  }
  return out;
}

function classify(layer: Descriptor, artifactType: string | undefined): Attachment['kind'] | undefined {
  if (layer.mediaType === MEDIA.cosignSimpleSigning) return 'cosign-signature';
  if (layer.mediaType === MEDIA.dsseEnvelope) return 'dsse-attestation';
  if (isSigstoreBundleMediaType(layer.mediaType) || (artifactType && isSigstoreBundleMediaType(artifactType))) return 'sigstore-bundle';
  if (layer.mediaType === MEDIA.inTotoJson) return 'unsigned-statement';
  return undefined;
}
