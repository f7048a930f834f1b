/**
 * Adapts a parsed bundle plus what vouch knows about the artifact into @sigstore/verify's
 * SignedEntity. For message signatures over a digest only, the signature content is replaced by
 * one that verifies the signature over the digest (prehashed.ts); everything else (certificate
 * chain, SCTs, timestamps, log entries) stays with @sigstore/verify.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity } from '@sigstore/verify';
import type { SignedEntity } from '@sigstore/verify';
import { verifyPrehashed } from './prehashed.js';
import type { ArtifactInput } from './types.js';
import { stageFail } from './verify-errors.js';
import type { StageFailure } from './verify-errors.js';

type SignatureContent = SignedEntity['signature'];

export type EntityResult = { readonly ok: true; readonly entity: SignedEntity } | { readonly ok: false; readonly failure: StageFailure };

export function buildSignedEntity(bundle: Bundle, artifact: ArtifactInput): EntityResult {
  const content = bundle.content;
  try {
    if (content.$case === 'dsseEnvelope') {
      // The artifact of a DSSE bundle is bound through the statement's subjects (checked later).
      return { ok: true, entity: toSignedEntity(bundle) };
    }
    const { messageDigest, signature } = content.messageSignature;
    switch (artifact.kind) {
      case 'dsse-statement':
        return { ok: false, failure: stageFail('signature', 'ARTIFACT_REQUIRED', 'a message-signature bundle needs the artifact or its digest') };
      case 'bytes': {
        // @sigstore/verify compares the log entry with the bundle's messageDigest but never the
        // messageDigest with the artifact; checked here so that a mismatch gets a clear code.
        const mismatch = digestMismatch(messageDigest, createHash('sha256').update(artifact.bytes).digest());
        if (mismatch) return { ok: false, failure: mismatch };
        return { ok: true, entity: toSignedEntity(bundle, artifact.bytes) };
      }
      case 'digest': {
        if (artifact.digest.algorithm !== 'sha256') {
          // A message signature signs the sha256 digest of the artifact; no other digest of the
          // artifact can be compared with it.
          return { ok: false, failure: stageFail('signature', 'ARTIFACT_DIGEST_UNSUPPORTED', `a message-signature bundle signs a sha256 digest; the artifact was given by its ${artifact.digest.algorithm} digest`) };
        }
        const given = Buffer.from(artifact.digest.hex, 'hex');
        const mismatch = digestMismatch(messageDigest, given);
        if (mismatch) return { ok: false, failure: mismatch };
        const entity = toSignedEntity(bundle, Buffer.alloc(0));
        return { ok: true, entity: { ...entity, signature: prehashedContent(signature, given) } };
      }
    }
  } catch (err) {
    // Certificates and RFC 3161 tokens are parsed here: garbage in them is a failed check.
    return { ok: false, failure: stageFail('signature', 'BUNDLE_MATERIAL_MALFORMED', `bundle certificate or timestamp cannot be parsed: ${(err as Error).message}`) };
  }
}

function digestMismatch(messageDigest: { algorithm: HashAlgorithm; digest: Buffer } | undefined, sha256: Buffer): StageFailure | undefined {
  if (messageDigest === undefined) return undefined; // @sigstore/bundle requires it; defensive
  if (messageDigest.algorithm !== HashAlgorithm.SHA2_256) {
    return stageFail('signature', 'ARTIFACT_DIGEST_UNSUPPORTED', `the bundle signs a ${HashAlgorithm[messageDigest.algorithm]} digest; vouch compares sha256`);
  }
  if (!messageDigest.digest.equals(sha256)) {
    return stageFail('signature', 'ARTIFACT_DIGEST_MISMATCH', 'the bundle is for a different artifact', {
      expected: `sha256:${sha256.toString('hex')}`,
      found: `sha256:${messageDigest.digest.toString('hex')}`,
    });
  }
  return undefined;
}

/** Signature content over a known sha256 digest; the same comparisons as @sigstore/verify's own. */
function prehashedContent(signature: Buffer, digest: Buffer): SignatureContent {
  return {
    signature,
    compareSignature: (other: Buffer) => sigstoreCrypto.bufferEqual(other, signature),
    compareDigest: (other: Buffer) => sigstoreCrypto.bufferEqual(other, digest),
    // A message signature signs the artifact itself, so the signed digest is the artifact's digest
    // (what a hashedrekord entry, v0.0.1 or v0.0.2, records).
    compareSignedDigest: (other: Buffer) => sigstoreCrypto.bufferEqual(other, digest),
    verifySignature: (key: KeyObject) => verifyPrehashed(key, 'sha256', digest, signature) === 'valid',
  };
}
