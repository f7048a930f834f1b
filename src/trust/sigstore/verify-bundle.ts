/**
 * verifyBundle: one Sigstore bundle against trust material, an artifact and an expected signer.
 * @sigstore/verify does the cryptography (certificate chain, SCTs, SET, Merkle inclusion proof,
 * checkpoint, RFC 3161 timestamps, signature). Around it vouch adds only what it lacks: which
 * signer is acceptable (keyless needs a named identity; key bundles need the user's key),
 * anchored-regexp identity policy, digest-only artifacts, the statement subject of DSSE bundles,
 * the explicit "no log proof" decision, and a hook for legacy log-entry kinds.
 * Verification failures are returned as data; this function does not throw for them.
 */
import { createHash } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { Verifier } from '@sigstore/verify';
import type { SignedEntity } from '@sigstore/verify';
import type { ParsedBundle } from './bundle-parse.js';
import { bindCheckpointsToLogs } from './checkpoint-log.js';
import { checkProofMatchesCheckpoint, keepVerifiedTimestamps, requireCheckpoints } from './extra-checks.js';
import { matchIdentity, namesSigner, signerFromCertificate } from './identity.js';
import { legacyKey, verifyLegacyEntry } from './legacy-tlog.js';
import type { LegacyBodyChecks } from './legacy-tlog.js';
import { buildSignedEntity } from './signed-entity.js';
import { matchSubject, parseStatement } from './statement.js';
import { explainTimestampFailure } from './timestamp-reasons.js';
import { earliestSignedAt, tlogEvidence } from './tlog-evidence.js';
import type { SigstoreTrust } from './trusted-root.js';
import type { ArtifactInput, BundleVerification, ExpectedSigner, StageResult, VerifiedSigner, VerifyOptions } from './types.js';
import { failureFromError, stageFail } from './verify-errors.js';
import type { Stage, StageFailure } from './verify-errors.js';

/** The caller names the signer, or states that it checks the signer fields itself (e.g. builder id). */
export type SignerExpectation = ExpectedSigner | { readonly anySigner: true };

export interface VerifyBundleOptions extends VerifyOptions {
  /** Body checks for log-entry kinds @sigstore/verify does not know (see legacy-tlog.ts). */
  readonly legacyBodyChecks?: LegacyBodyChecks;
}

export const TLOG_IGNORED_WARNING = 'transparency-log verification was disabled (--insecure-ignore-tlog): the signature is not proven to be publicly logged';

const PASS = (code: string, message: string): StageResult => ({ status: 'pass', code, message });
const NOT_REACHED: StageResult = { status: 'skipped', code: 'NOT_REACHED', message: 'not checked: an earlier check failed' };

export function verifyBundle(parsed: ParsedBundle, artifact: ArtifactInput, trust: SigstoreTrust, expected: SignerExpectation, options: VerifyBundleOptions = {}): BundleVerification {
  const { bundle } = parsed;
  const keyed = bundle.verificationMaterial.content.$case === 'publicKey';
  const base = { mediaType: parsed.mediaType, content: parsed.content };
  const warnings: string[] = [];
  const done = (f: StageFailure, signer?: VerifiedSigner): BundleVerification => failed(base, f, signer, warnings);

  if (keyed && trust.key === undefined) return done(stageFail('identity', 'KEY_REQUIRED', 'the bundle is signed with a key, but no --key was given to verify it with'));
  // A certificate-signed bundle counts only for a named keyless signer (or a caller that checks the
  // signer itself). --key alone names a key signer, so a certificate cannot stand in for it; --key
  // together with --certificate-identity names two acceptable signers, and either may have signed.
  if (!keyed && !('anySigner' in expected) && !namesSigner(expected)) {
    return done(
      trust.key !== undefined
        ? stageFail('identity', 'KEY_NOT_USED', `the bundle is signed with a certificate, not with the key ${trust.key.name}`)
        : stageFail('identity', 'SIGNER_NOT_SPECIFIED', 'keyless verification needs the expected signer identity'),
    );
  }
  if (parsed.content === 'message-signature' && artifact.kind === 'dsse-statement') {
    return done(stageFail('signature', 'ARTIFACT_REQUIRED', 'a message-signature bundle needs the artifact or its digest'));
  }
  const built = buildSignedEntity(bundle, artifact);
  if (!built.ok) return done(built.failure);
  let entity: SignedEntity = built.entity;
  const leaf = entity.key.$case === 'certificate' ? entity.key.certificate : undefined;
  const signer = leaf ? readSigner(leaf) : { key: trust.key?.name ?? 'key' };
  if (signer === undefined) return done(stageFail('signature', 'BUNDLE_MATERIAL_MALFORMED', 'the signing certificate cannot be read'));

  // Entries of kinds only the caller knows are verified by the hook and taken out of the entity.
  const legacy = entity.tlogEntries.filter((e) => options.legacyBodyChecks?.[legacyKey(e)] !== undefined);
  for (const entry of legacy) {
    const result = verifyLegacyEntry(entry, bundle, options.legacyBodyChecks?.[legacyKey(entry)] ?? unreachableCheck, trust.material);
    if (result.status !== 'pass') return done({ stage: 'tlog', result }, signer);
  }
  entity = { ...entity, tlogEntries: entity.tlogEntries.filter((e) => !legacy.includes(e)) };

  const kept = keepVerifiedTimestamps(entity, trust.material);
  if ('stage' in kept) return done(kept, signer);
  entity = kept.entity;
  if (kept.ignored > 0) warnings.push(`${kept.ignored} timestamp(s) from authorities this trusted root does not list were ignored`);

  const bound = bindCheckpointsToLogs(entity, trust.material);
  entity = bound.entity;

  const noLogEntry = bundle.verificationMaterial.tlogEntries.length === 0;
  if (noLogEntry && !options.insecureIgnoreTlog) {
    return done(stageFail('tlog', 'TLOG_ENTRY_MISSING', 'the bundle carries no transparency-log entry (give --rekor-url to look it up, or --insecure-ignore-tlog)'), signer);
  }
  if (noLogEntry) warnings.push(TLOG_IGNORED_WARNING);
  const bareProof = requireCheckpoints(entity.tlogEntries);
  if (bareProof) return done(bareProof, signer);

  try {
    new Verifier(trust.material, {
      tlogThreshold: noLogEntry ? 0 : entity.tlogEntries.length === 0 ? 0 : 1,
      // A key-signed bundle without any log entry has no trusted time; the key has no validity
      // window of its own, so none is needed. Certificates always need one (their chain is
      // checked at signing time), and threshold 0 crashes @sigstore/verify's SCT check.
      ...(noLogEntry && keyed && entity.timestamps.length === 0 && { timestampThreshold: 0 }),
    }).verify(entity);
  } catch (err) {
    // A checkpoint that belongs to no trusted log, or to another one, also fails in
    // @sigstore/verify's log stage, under a vaguer reason: vouch names the real one.
    const failure = failureFromError(err);
    if (failure.result.code === 'TIMESTAMP_INVALID') {
      return done(stageFail('signature', 'TIMESTAMP_INVALID', explainTimestampFailure(entity, trust.material, trust.timestampAuthorityNames ?? [], failure.result.message)), signer);
    }
    return done(bound.failure && failure.stage === 'tlog' ? bound.failure : failure, signer);
  }
  const tlogMismatch = bound.failure ?? checkProofMatchesCheckpoint(entity.tlogEntries);
  if (tlogMismatch) return done(tlogMismatch, signer);

  const identity = leaf && !('anySigner' in expected) ? matchIdentity(signer, expected) : PASS('SIGNER_KEY_MATCHED', leaf ? 'signer fields are checked by the caller' : `signed with the key ${signer.key ?? ''}`);
  const tlog = noLogEntry ? { status: 'skipped' as const, code: 'TLOG_CHECK_DISABLED', message: TLOG_IGNORED_WARNING } : PASS('TLOG_VERIFIED', `${bundle.verificationMaterial.tlogEntries.length} log entr${bundle.verificationMaterial.tlogEntries.length === 1 ? 'y' : 'ies'} verified`);
  const subject = dsseSubject(parsed, artifact);
  const stages = { signature: PASS('SIGNATURE_VERIFIED', 'signature, certificate chain and timestamps verified'), identity, tlog, ...(subject && { subject: subject.result }) };
  const firstFail = [stages.identity, stages.subject].find((s) => s?.status === 'fail');
  const signedAt = earliestSignedAt(entity);
  return {
    ...base,
    verified: firstFail === undefined,
    code: firstFail?.code ?? 'SIGNATURE_VERIFIED',
    message: firstFail?.message ?? `verified: ${identity.message}`,
    stages,
    signer,
    tlog: tlogEvidence(bundle.verificationMaterial.tlogEntries),
    ...(signedAt !== undefined && { signedAt }),
    ...(subject?.statement && { statement: subject.statement }),
    ...(subject?.payloadType !== undefined && { payloadType: subject.payloadType }),
    warnings,
  };
}

/** The certificate parses lazily: a malformed one fails here, which is a failed check. */
function readSigner(leaf: X509Certificate): VerifiedSigner | undefined {
  try {
    return signerFromCertificate(leaf);
  } catch {
    return undefined;
  }
}

/** DSSE: parse the statement; with a known artifact digest, it must be one of the subjects. */
function dsseSubject(parsed: ParsedBundle, artifact: ArtifactInput) {
  const content = parsed.bundle.content;
  if (content.$case !== 'dsseEnvelope') return undefined;
  const { payloadType, payload } = content.dsseEnvelope;
  const st = parseStatement(payloadType, payload);
  if (!st.ok) return { result: st.result, payloadType };
  if (artifact.kind === 'dsse-statement') return { result: PASS('STATEMENT_READ', 'statement read; subjects are checked by the caller'), statement: st.statement, payloadType };
  const digests: Record<string, string> = artifact.kind === 'digest' ? { ...artifact.also, [artifact.digest.algorithm]: artifact.digest.hex } : { sha256: hashHex('sha256', artifact.bytes), sha512: hashHex('sha512', artifact.bytes) };
  if (isPayload(payload, digests)) {
    return { result: PASS('STATEMENT_IS_ARTIFACT', 'the artifact is the signed statement itself (the DSSE payload)'), statement: st.statement, payloadType };
  }
  return { result: matchSubject(st.statement, digests), statement: st.statement, payloadType };
}

/**
 * The file given may be the statement itself (sigstore-js and sigstore-python sign a statement
 * file; their users hold that file, not the subject). Its bytes then are exactly what the envelope
 * signs, which proves as much about them as a message signature would: equal sha256 or sha512 of
 * the payload, never a parsed or reformatted copy.
 */
function isPayload(payload: Buffer, digests: Readonly<Record<string, string>>): boolean {
  const sha256 = digests['sha256'];
  const sha512 = digests['sha512'];
  if (sha256 !== undefined) return hashHex('sha256', payload) === sha256.toLowerCase();
  return sha512 !== undefined && hashHex('sha512', payload) === sha512.toLowerCase();
}

const hashHex = (alg: string, b: Buffer): string => createHash(alg).update(b).digest('hex');

function unreachableCheck(): StageResult {
  return { status: 'fail', code: 'TLOG_ENTRY_MISMATCH', message: 'no body check registered' };
}

function failed(base: Pick<BundleVerification, 'mediaType' | 'content'>, f: StageFailure, signer: VerifiedSigner | undefined, warnings: readonly string[]): BundleVerification {
  const stage = (s: Stage): StageResult => (s === f.stage ? f.result : NOT_REACHED);
  return {
    ...base,
    verified: false,
    code: f.result.code,
    message: f.result.message,
    stages: { signature: stage('signature'), identity: stage('identity'), tlog: stage('tlog'), ...(base.content === 'dsse' && { subject: NOT_REACHED }) },
    ...(signer && { signer }),
    tlog: [],
    warnings,
  };
}
