import type { ImageContext, LayerMutation, PlatformImage } from './apko-image.js';
import { buildImageIndex, buildPlatformImage } from './apko-image.js';
import type { BuiltApk } from './apk-writer.js';
import { bundleReferrer, cosignTag, dsseEnvelopeJson, leafCertificatePem, legacyBundleAnnotation, legacyManifest, simpleSigningPayload } from './cosign.js';
import type { IdentityName, SigningIdentity } from './identities.js';
import { imageSbom } from './image-sbom.js';
import type { SpdxDocument } from './melange-sbom.js';
import type { Descriptor } from './oci-layout.js';
import { LayoutBuilder, MT } from './oci-layout.js';
import { ARCHES } from './packages.js';
import type { ApkArch } from './packages.js';
import type { SignRequest, SigstoreBatch } from './sigstore-batch.js';
import { COSIGN_SIGN_PREDICATE, cosignSignStatement, provenanceStatement, SLSA_PROVENANCE_V1, SPDX_PREDICATE, sbomStatement } from './statements.js';
import { sha256hex } from './util.js';

/** The repository name the sample image is signed under (simple-signing docker-reference, statement subjects). */
export const SIGNED_REPOSITORY = 'registry.vouch-sample.test/vouch-sample/hello';
export const IMAGE_TAG = 'latest';

export interface ImageVariant {
  readonly mutation?: LayerMutation;
  readonly apks: Readonly<Record<ApkArch, readonly BuiltApk[]>>;
  readonly packageSboms: Readonly<Record<ApkArch, readonly SpdxDocument[]>>;
  /** Who the provenance says built it (the fork only in the "provenance from another source" twin). */
  readonly provenanceFrom: IdentityName;
  /** Make each platform's key signature name the other platform's digest. */
  readonly signOtherDigest?: boolean;
}

interface PlatformRequests {
  readonly sig: SignRequest;
  readonly bundle: SignRequest;
  readonly provenance: SignRequest;
  readonly sbom: SignRequest;
}

export interface PlannedImage {
  readonly layout: LayoutBuilder;
  readonly index: Descriptor;
  readonly platforms: readonly PlatformImage[];
  readonly sboms: Readonly<Record<string, SpdxDocument>>;
  readonly indexSig: SignRequest;
  readonly perPlatform: readonly PlatformRequests[];
}

const requestId = (kind: string, ...parts: string[]): string => `${kind}-${sha256hex(parts.join('\n')).slice(0, 24)}`;

function keyRequest(payload: string): SignRequest {
  return { kind: 'cosign-key', id: requestId('cosign-key', payload), payload };
}
function keylessRequest(statement: string, identity: IdentityName): SignRequest {
  return { kind: 'keyless-dsse', id: requestId('keyless-dsse', identity, statement), identity, statement };
}

export function planImage(variant: ImageVariant, ctx: ImageContext, identities: Readonly<Record<IdentityName, SigningIdentity>>): PlannedImage {
  const layout = new LayoutBuilder();
  const platforms = ARCHES.map((arch) => buildPlatformImage(layout, arch, variant.apks[arch.apk], ctx, variant.mutation));
  const index = buildImageIndex(layout, platforms, ctx.sourceCommit);
  const sboms: Record<string, SpdxDocument> = {};
  const perPlatform = platforms.map((p, i) => {
    const sbom = imageSbom(p, variant.packageSboms[p.arch.apk as ApkArch]);
    sboms[p.arch.apk] = sbom;
    const other = platforms[(i + 1) % platforms.length] ?? p;
    const signedDigest = variant.signOtherDigest ? other.manifest.digest : p.manifest.digest;
    return {
      sig: keyRequest(simpleSigningPayload(SIGNED_REPOSITORY, signedDigest)),
      bundle: keylessRequest(cosignSignStatement(SIGNED_REPOSITORY, signedDigest), 'sample'),
      provenance: keylessRequest(
        provenanceStatement(SIGNED_REPOSITORY, p.manifest.digest, variant.provenanceFrom, identities[variant.provenanceFrom]),
        variant.provenanceFrom,
      ),
      sbom: keylessRequest(sbomStatement(SIGNED_REPOSITORY, p.manifest.digest, sbom), 'sample'),
    };
  });
  return { layout, index, platforms, sboms, indexSig: keyRequest(simpleSigningPayload(SIGNED_REPOSITORY, variant.signOtherDigest ? (platforms[0]?.manifest.digest ?? index.digest) : index.digest)), perPlatform };
}

export function requestsOf(plan: PlannedImage): SignRequest[] {
  return [plan.indexSig, ...plan.perPlatform.flatMap((r) => [r.sig, r.bundle, r.provenance, r.sbom])];
}

function resultOf(batch: SigstoreBatch, request: SignRequest) {
  const r = batch.results[request.id];
  if (!r) throw new Error(`signing batch has no result for ${request.id}`);
  return r;
}

function keySignatureLayer(batch: SigstoreBatch, request: SignRequest) {
  if (request.kind !== 'cosign-key') throw new Error('not a key signature request');
  const r = resultOf(batch, request);
  return {
    mediaType: MT.simpleSigning,
    blob: Buffer.from(request.payload),
    annotations: { 'dev.cosignproject.cosign/signature': r.signature ?? '', 'dev.sigstore.cosign/bundle': legacyBundleAnnotation(r.bundle) },
  };
}

function attestationLayer(batch: SigstoreBatch, request: SignRequest, predicateType: string) {
  const r = resultOf(batch, request);
  return {
    mediaType: MT.dsse,
    blob: dsseEnvelopeJson(r.bundle),
    annotations: {
      'dev.cosignproject.cosign/signature': '',
      'dev.sigstore.cosign/bundle': legacyBundleAnnotation(r.bundle),
      'dev.sigstore.cosign/certificate': leafCertificatePem(r.bundle),
      'dev.sigstore.cosign/chain': batch.fulcioRootPem,
      predicateType,
    },
  };
}

/** Adds the signatures, attestations and referrers to the layout, tagged the way cosign tags them. */
export function attachSignatures(plan: PlannedImage, batch: SigstoreBatch): LayoutBuilder {
  const { layout } = plan;
  layout.tag(plan.index, IMAGE_TAG);
  layout.tag(legacyManifest(layout, [keySignatureLayer(batch, plan.indexSig)]), cosignTag(plan.index.digest, '.sig'));
  plan.platforms.forEach((p, i) => {
    const req = plan.perPlatform[i];
    if (!req) return;
    layout.tag(legacyManifest(layout, [keySignatureLayer(batch, req.sig)]), cosignTag(p.manifest.digest, '.sig'));
    layout.tag(
      legacyManifest(layout, [attestationLayer(batch, req.provenance, SLSA_PROVENANCE_V1), attestationLayer(batch, req.sbom, SPDX_PREDICATE)]),
      cosignTag(p.manifest.digest, '.att'),
    );
    layout.tag(bundleReferrer(layout, p.manifest, resultOf(batch, req.bundle).bundle, COSIGN_SIGN_PREDICATE), cosignTag(p.manifest.digest, ''));
  });
  return layout;
}
