import type { Descriptor, LayoutBuilder } from './oci-layout.js';
import { MT } from './oci-layout.js';
import type { BundleJson } from './sigstore-batch.js';
import { compactJson, SIGNING_TIME } from './util.js';

/**
 * What cosign stores next to an image (specs/SIGNATURE_SPEC.md, ATTESTATION_SPEC.md,
 * BUNDLE_SPEC.md): `sha256-<hex>.sig` manifests with one simple-signing layer per signature,
 * `sha256-<hex>.att` manifests with one DSSE layer per attestation, and OCI 1.1 referrers holding
 * a Sigstore bundle, listed under the `sha256-<hex>` referrers tag when the registry has no
 * referrers API. The Rekor proof of a legacy layer travels in `dev.sigstore.cosign/bundle`.
 */
export const cosignTag = (digest: string, suffix: '.sig' | '.att' | ''): string => `${digest.replace(':', '-')}${suffix}`;

/** cosign's simple-signing payload, byte for byte as cosign marshals it. */
export function simpleSigningPayload(repository: string, digest: string): string {
  return JSON.stringify({
    critical: { identity: { 'docker-reference': repository }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
    optional: null,
  });
}

interface TlogEntryJson {
  logIndex: string;
  logId: { keyId: string };
  integratedTime: string;
  inclusionPromise?: { signedEntryTimestamp: string };
  canonicalizedBody: string;
}

/** The `dev.sigstore.cosign/bundle` annotation: Rekor's SET and the entry it covers. */
export function legacyBundleAnnotation(bundle: BundleJson): string {
  const material = bundle['verificationMaterial'] as { tlogEntries: TlogEntryJson[] };
  const e = material.tlogEntries[0];
  if (!e?.inclusionPromise) throw new Error('bundle has no Rekor entry with a signed entry timestamp');
  return JSON.stringify({
    SignedEntryTimestamp: e.inclusionPromise.signedEntryTimestamp,
    Payload: {
      body: e.canonicalizedBody,
      integratedTime: Number(e.integratedTime),
      logIndex: Number(e.logIndex),
      logID: Buffer.from(e.logId.keyId, 'base64').toString('hex'),
    },
  });
}

export function leafCertificatePem(bundle: BundleJson): string {
  const m = bundle['verificationMaterial'] as { certificate?: { rawBytes: string }; x509CertificateChain?: { certificates: { rawBytes: string }[] } };
  const raw = m.certificate?.rawBytes ?? m.x509CertificateChain?.certificates[0]?.rawBytes;
  if (!raw) throw new Error('bundle has no signing certificate');
  const body = raw.replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** The DSSE envelope of a bundle, as the JSON cosign puts in an .att layer. */
export function dsseEnvelopeJson(bundle: BundleJson): Buffer {
  const env = bundle['dsseEnvelope'] as { payload: string; payloadType: string; signatures: { sig: string; keyid?: string }[] };
  return compactJson({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: s.sig })) });
}

export interface LegacyLayer {
  readonly mediaType: string;
  readonly blob: Buffer;
  readonly annotations: Record<string, string>;
}

/** A `.sig` / `.att` manifest: an image with one layer per signature, as ggcr's empty image + appends. */
export function legacyManifest(layout: LayoutBuilder, layers: readonly LegacyLayer[]): Descriptor {
  const descriptors = layers.map((l) => ({ ...layout.add(l.mediaType, l.blob), annotations: l.annotations }));
  const zero = '0001-01-01T00:00:00Z';
  const config = layout.addJson(MT.config, {
    architecture: '',
    created: zero,
    history: layers.map(() => ({ created: zero })),
    os: '',
    rootfs: { type: 'layers', diff_ids: descriptors.map((d) => d.digest) },
    config: {},
  });
  return layout.addJson(MT.manifest, { schemaVersion: 2, mediaType: MT.manifest, config, layers: descriptors });
}

/** An OCI 1.1 referrer carrying a Sigstore bundle, and the referrers-tag index that lists it. */
export function bundleReferrer(layout: LayoutBuilder, subject: Descriptor, bundle: BundleJson, predicateType: string): Descriptor {
  const empty = layout.add(MT.empty, Buffer.from('{}'));
  const layer = layout.add(MT.bundle, compactJson(bundle));
  const annotations = {
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': predicateType,
    'org.opencontainers.image.created': SIGNING_TIME,
  };
  const subjectDescriptor = { mediaType: subject.mediaType, size: subject.size, digest: subject.digest };
  const manifest = layout.addJson(MT.manifest, {
    schemaVersion: 2,
    mediaType: MT.manifest,
    artifactType: MT.bundle,
    config: empty,
    layers: [layer],
    subject: subjectDescriptor,
    annotations,
  });
  return layout.addJson(MT.index, { schemaVersion: 2, mediaType: MT.index, manifests: [{ ...manifest, artifactType: MT.bundle, annotations }] });
}
