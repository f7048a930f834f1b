import assert from 'node:assert/strict';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { sampleManifest, samplePath, SAMPLE_KEYS } from '../testing/sample.js';

/**
 * The sample world's signatures verify with the real Sigstore library, read the way the image
 * verifier must read them: legacy cosign layers (signature + certificate + Rekor SET annotation)
 * converted to v0.1 bundles, and the v0.3 bundle referrers as they are. Independent of vouch's
 * own verifiers, so a fixture bug and a verifier bug cannot hide each other.
 */
type Json = Record<string, unknown>;
const manifest = sampleManifest();
const trustedRoot = TrustedRoot.fromJSON(JSON.parse(readFileSync(SAMPLE_KEYS.trustedRoot, 'utf8')));
const cosignDer = createPublicKey(readFileSync(SAMPLE_KEYS.cosign)).export({ format: 'der', type: 'spki' });
const keyedVerifier = new Verifier(
  toTrustMaterial(trustedRoot, { cosign: { rawBytes: cosignDer, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 } }),
);
const keylessVerifier = new Verifier(toTrustMaterial(trustedRoot));
const identityPolicy = { subjectAlternativeName: manifest.identity, extensions: { issuer: manifest.issuer } };

function layoutReader(layout: string) {
  const dir = samplePath(layout);
  const blob = (digest: string): Buffer => {
    const bytes = readFileSync(join(dir, 'blobs', 'sha256', digest.replace('sha256:', '')));
    assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, digest, `blob ${digest} matches its digest`);
    return bytes;
  };
  const json = (digest: string): Json => JSON.parse(blob(digest).toString()) as Json;
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const tagged = (tag: string): Json | undefined => {
    const d = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    return d ? json(d.digest) : undefined;
  };
  return { blob, json, tagged };
}

const tagFor = (digest: string, suffix: string) => `${digest.replace(':', '-')}${suffix}`;

/** A legacy cosign layer as a v0.1 bundle (what sigstore-go and cosign do for offline verification). */
function legacyBundle(layer: { annotations: Record<string, string> }, content: Json): Json {
  const ann = layer.annotations;
  const rekor = JSON.parse(ann['dev.sigstore.cosign/bundle'] ?? '{}') as { SignedEntryTimestamp: string; Payload: { body: string; integratedTime: number; logIndex: number; logID: string } };
  const body = JSON.parse(Buffer.from(rekor.Payload.body, 'base64').toString()) as { kind: string; apiVersion: string };
  const certPem = ann['dev.sigstore.cosign/certificate'];
  const material: Json = certPem
    ? { x509CertificateChain: { certificates: [{ rawBytes: new X509Certificate(certPem).raw.toString('base64') }] } }
    : { publicKey: { hint: 'cosign' } };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      ...material,
      tlogEntries: [
        {
          logIndex: String(rekor.Payload.logIndex),
          logId: { keyId: Buffer.from(rekor.Payload.logID, 'hex').toString('base64') },
          kindVersion: { kind: body.kind, version: body.apiVersion },
          integratedTime: String(rekor.Payload.integratedTime),
          inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
          canonicalizedBody: rekor.Payload.body,
        },
      ],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    ...content,
  };
}

interface Layer {
  digest: string;
  mediaType: string;
  annotations: Record<string, string>;
}

/** Every signature and attestation on one platform manifest, verified; returns what held. */
function verifyPlatform(layout: string, digest: string) {
  const r = layoutReader(layout);
  const out = { keySignature: '', bundleSubject: '', provenanceSource: '', sbomSubject: '' };
  const sig = r.tagged(tagFor(digest, '.sig'));
  const sigLayer = (sig?.['layers'] as Layer[] | undefined)?.[0];
  assert.ok(sigLayer, `${layout}: ${digest} has a .sig`);
  const payload = r.blob(sigLayer.digest);
  const signature = sigLayer.annotations['dev.cosignproject.cosign/signature'] ?? '';
  const bundle = legacyBundle(sigLayer, {
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') }, signature },
  });
  keyedVerifier.verify(toSignedEntity(bundleFromJSON(bundle), payload));
  const simple = JSON.parse(payload.toString()) as { critical: { image: { 'docker-manifest-digest': string }; type: string } };
  assert.equal(simple.critical.type, 'cosign container image signature');
  out.keySignature = simple.critical.image['docker-manifest-digest'];

  const referrers = r.tagged(tagFor(digest, '')) as { manifests: { digest: string; artifactType: string }[] } | undefined;
  const referrer = referrers?.manifests[0];
  assert.ok(referrer, `${layout}: ${digest} has a referrer`);
  assert.equal(referrer.artifactType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  const refManifest = r.json(referrer.digest) as { subject: { digest: string }; layers: Layer[] };
  assert.equal(refManifest.subject.digest, digest);
  const v03 = JSON.parse(r.blob(refManifest.layers[0]?.digest ?? '').toString()) as Json;
  keylessVerifier.verify(toSignedEntity(bundleFromJSON(v03)), identityPolicy);
  out.bundleSubject = statementOf(v03).subject[0]?.digest.sha256 ?? '';

  const att = r.tagged(tagFor(digest, '.att')) as { layers: Layer[] } | undefined;
  assert.equal(att?.layers.length, 2, `${layout}: ${digest} has two attestations`);
  for (const layer of att?.layers ?? []) {
    const env = JSON.parse(r.blob(layer.digest).toString()) as { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] };
    const b = legacyBundle(layer, { dsseEnvelope: env });
    const signer = keylessVerifier.verify(toSignedEntity(bundleFromJSON(b)), identityPolicy);
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as Statement;
    assert.equal(statement.predicateType, layer.annotations['predicateType']);
    if (statement.predicateType === 'https://slsa.dev/provenance/v1') {
      const dep = (statement.predicate as { buildDefinition: { resolvedDependencies: { uri: string }[] } }).buildDefinition.resolvedDependencies[0];
      const certRepo = signer.identity?.extensions?.['sourceRepositoryURI' as 'issuer'];
      out.provenanceSource = `${dep?.uri ?? ''} ${certRepo ?? ''}`;
      assert.equal(statement.subject[0]?.digest.sha256, digest.slice(7));
    } else {
      out.sbomSubject = statement.subject[0]?.digest.sha256 ?? '';
    }
  }
  return out;
}

interface Statement {
  predicateType: string;
  subject: { digest: { sha256: string } }[];
  predicate: unknown;
}
function statementOf(bundle: Json): Statement {
  const env = bundle['dsseEnvelope'] as { payload: string };
  return JSON.parse(Buffer.from(env.payload, 'base64').toString()) as Statement;
}

test('sample image: every signature and attestation verifies over the right digest', () => {
  for (const [platform, digest] of Object.entries(manifest.image.platforms)) {
    const v = verifyPlatform(manifest.image.layout, digest);
    assert.equal(v.keySignature, digest, `${platform} key signature names its manifest`);
    assert.equal(v.bundleSubject, digest.slice(7));
    assert.equal(v.sbomSubject, digest.slice(7));
    assert.match(v.provenanceSource, /^git\+https:\/\/github\.com\/vouch-sample\/hello@/);
  }
  const r = layoutReader(manifest.image.layout);
  const indexSig = r.tagged(tagFor(manifest.image.index, '.sig')) as { layers: Layer[] };
  assert.equal(indexSig.layers.length, 1);
});

test('sample twins: image twins verify except for the one thing that is wrong', () => {
  for (const twin of manifest.twins.filter((t) => t.image)) {
    const image = twin.image;
    if (!image) continue;
    for (const digest of Object.values(image.platforms)) {
      const v = verifyPlatform(image.layout, digest);
      if (twin.name === 'signature-digest') {
        assert.notEqual(v.keySignature, digest, 'the key signature names another digest');
        assert.notEqual(v.bundleSubject, digest.slice(7), 'the keyless bundle names another digest');
      } else {
        assert.equal(v.keySignature, digest);
        assert.equal(v.bundleSubject, digest.slice(7));
      }
      if (twin.name === 'provenance-source') assert.match(v.provenanceSource, /evil-fork\/hello/);
      else assert.match(v.provenanceSource, /vouch-sample\/hello/);
    }
  }
});
