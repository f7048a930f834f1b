/**
 * Verifies the signature of one attestation entry (a Sigstore bundle or a bare DSSE envelope)
 * through the Sigstore layer, and hands back the signed payload for the provenance rules. The
 * payload is only ever read from the envelope that was verified.
 */
import { parseDsseEnvelope } from '../attestations/index.js';
import type { AttestationEntry } from '../attestations/index.js';
import type { TlogEvidence } from '../evidence/index.js';
import { npmAttestationTrust } from '../trust/npm/registry-keys.js';
import { parseBundleJSON, verifyBundle } from '../trust/sigstore/index.js';
import type { SignerExpectation, SigstoreTrust, VerifiedSigner } from '../trust/sigstore/index.js';
import type { ArtifactOptions } from './options.js';

export interface EntryVerification {
  readonly verified: boolean;
  readonly code: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  readonly signer?: VerifiedSigner;
  readonly tlog: readonly TlogEvidence[];
  readonly payloadType: string;
  readonly payload: Buffer;
}

const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export async function verifyAttestationEntry(entry: AttestationEntry, trust: SigstoreTrust, options: ArtifactOptions, source: string): Promise<EntryVerification> {
  const raw = entry.kind === 'bundle' ? entry.bundle['dsseEnvelope'] : entry.envelope;
  const envelope = parseDsseEnvelope(raw);
  if (!envelope.ok) return { verified: false, code: envelope.code, message: `${source}: ${envelope.message}`, tlog: [], payloadType: '', payload: Buffer.alloc(0) };
  const { payloadType, payload } = envelope.value;
  const unverified = (code: string, message: string): EntryVerification => ({ verified: false, code, message, tlog: [], payloadType, payload });
  const { sigstore } = options;
  // The builder rules prove who signed provenance; an identity flag, when given, must hold too.
  const named = Object.values(sigstore.expected).some((v) => v !== undefined);
  const expected: SignerExpectation = named ? sigstore.expected : { anySigner: true };
  const verify = (bundle: unknown, using: SigstoreTrust = trust): EntryVerification => {
    const parsed = parseBundleJSON(bundle);
    if (!parsed.ok) return unverified(parsed.code, `${source}: ${parsed.message}`);
    const r = verifyBundle(parsed, { kind: 'dsse-statement' }, using, expected, { insecureIgnoreTlog: sigstore.insecureIgnoreTlog });
    const failedStage = Object.values(r.stages).find((s) => s?.status === 'fail');
    return {
      verified: r.verified,
      code: r.code,
      message: r.message,
      ...(failedStage?.expected !== undefined && { expected: failedStage.expected }),
      ...(failedStage?.found !== undefined && { found: failedStage.found }),
      ...(r.signer && { signer: r.signer }),
      tlog: r.tlog,
      payloadType,
      payload,
    };
  };
  if (entry.kind === 'bundle') {
    // npm publish attestations are signed by the npm registry's key, which ships with the
    // embedded trusted root; any other key-signed bundle needs --key.
    const hint = keyHintOf(entry.bundle);
    const npm = hint !== undefined && sigstore.key === undefined ? await npmAttestationTrust(hint) : undefined;
    return verify(entry.bundle, npm ?? trust);
  }
  if (sigstore.key === undefined) {
    // A bare envelope with an inline certificate has no log entry, so nothing establishes when it
    // was signed while the short-lived certificate was valid: it cannot count offline.
    return unverified('PROVENANCE_NO_LOG_PROOF', `${source}: a bare DSSE envelope carries no transparency-log proof of its signing time; wrap it in a Sigstore bundle, or verify it with --key`);
  }
  // Keyed envelopes (e.g. Google Cloud Build): every signature must verify; one bad signature among
  // good ones is not ignored, since it means the envelope is not what its signers signed.
  const results = envelope.value.signatures.map((s) =>
    verify({
      mediaType: BUNDLE_V03,
      verificationMaterial: { publicKey: { hint: s.keyid ?? '' }, tlogEntries: [] },
      dsseEnvelope: { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: s.keyid ?? '', sig: s.sig.toString('base64') }] },
    }),
  );
  return results.find((r) => !r.verified) ?? results[0] ?? unverified('DSSE_UNSIGNED', `${source}: no signatures`);
}

function keyHintOf(bundle: Record<string, unknown>): string | undefined {
  const material = bundle['verificationMaterial'];
  const key = material !== null && typeof material === 'object' ? (material as Record<string, unknown>)['publicKey'] : undefined;
  const hint = key !== null && typeof key === 'object' ? (key as Record<string, unknown>)['hint'] : undefined;
  return typeof hint === 'string' && hint !== '' ? hint : undefined;
}
