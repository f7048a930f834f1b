/**
 * Verifies the signature of one attestation entry (a Sigstore bundle or a bare DSSE envelope)
 * through the Sigstore layer, and hands back the signed payload for the provenance rules. The
 * payload is only ever read from the envelope that was verified.
 */
import { parseDsseEnvelope } from '../dsse.js';
import type { AttestationEntry } from '../attestation-file.js';
import type { TlogEvidence } from '../../evidence/index.js';
import { npmAttestationTrust } from '../../trust/npm/registry-keys.js';
import { parseBundleJSON, verifyBundle } from '../../trust/sigstore/index.js';
import type { ExpectedSigner, ParsedBundle, SignerExpectation, SigstoreTrust, VerifiedSigner } from '../../trust/sigstore/index.js';
import type { RunContext } from '../../context.js';
import { lookupLogEntries } from '../../trust/sigstore/rekor-online.js';

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
  /** False when the envelope itself could not be read: there is no statement to check. */
  readonly envelopeRead?: false;
}

const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** What --rekor-url needs to find a log entry: the artifact hash Rekor indexes it by, and the run. */
export interface OnlineLookup {
  /** Absent when the artifact was named by its sha512 digest only: nothing to search the log by. */
  readonly artifactSha256: string | undefined;
  readonly ctx: RunContext;
}

/** What entry verification reads of the options: the key, the named signer and the log switches. */
export interface EntryVerifyOptions {
  readonly sigstore: { readonly key?: string | undefined; readonly expected: ExpectedSigner; readonly rekorUrl?: string | undefined; readonly insecureIgnoreTlog: boolean };
}

export async function verifyAttestationEntry(entry: Exclude<AttestationEntry, { kind: 'gcloud' }>, trust: SigstoreTrust, options: EntryVerifyOptions, source: string, online: OnlineLookup): Promise<EntryVerification> {
  const raw = entry.kind === 'bundle' ? entry.bundle['dsseEnvelope'] : entry.envelope;
  const envelope = parseDsseEnvelope(raw);
  if (!envelope.ok) return { verified: false, code: envelope.code, message: `${source}: ${envelope.message}`, tlog: [], payloadType: '', payload: Buffer.alloc(0), envelopeRead: false };
  const { payloadType, payload } = envelope.value;
  const unverified = (code: string, message: string): EntryVerification => ({ verified: false, code, message, tlog: [], payloadType, payload });
  const { sigstore } = options;
  // The builder rules prove who signed provenance; an identity flag, when given, must hold too.
  const named = Object.values(sigstore.expected).some((v) => v !== undefined);
  const expected: SignerExpectation = named ? sigstore.expected : { anySigner: true };
  const verify = async (bundle: unknown, using: SigstoreTrust = trust): Promise<EntryVerification> => {
    const parsed = parseBundleJSON(bundle);
    if (!parsed.ok) return unverified(parsed.code, `${source}: ${parsed.message}`);
    let candidates: ParsedBundle[] = [parsed];
    if (parsed.bundle.verificationMaterial.tlogEntries.length === 0 && sigstore.rekorUrl !== undefined && online.artifactSha256 !== undefined) {
      // --rekor-url: the log indexes DSSE and in-toto entries by their subjects' digests. Each
      // entry found goes through the same verification as an embedded one; none found leaves the
      // bundle without log proof, which then fails as it would offline.
      const found = await lookupLogEntries(sigstore.rekorUrl, parsed, online.artifactSha256, using, online.ctx);
      if (found.length > 0) candidates = found;
    }
    const results = candidates.map((c) => verifyBundle(c, { kind: 'dsse-statement' }, using, expected, { insecureIgnoreTlog: sigstore.insecureIgnoreTlog }));
    const r = results.find((x) => x.verified) ?? results[0] ?? verifyBundle(parsed, { kind: 'dsse-statement' }, using, expected, { insecureIgnoreTlog: sigstore.insecureIgnoreTlog });
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
    // was signed while the short-lived certificate was valid: it cannot count offline. Online,
    // the log entry (with its SET) supplies that time.
    const signature = envelope.value.signatures[0];
    if (sigstore.rekorUrl !== undefined && envelope.value.signatures.length === 1 && signature?.cert !== undefined) {
      const der = certificateDer(signature.cert);
      if (der === undefined) return unverified('DSSE_CERTIFICATE_MALFORMED', `${source}: the inline certificate is not PEM`);
      return verify({
        mediaType: BUNDLE_V03,
        verificationMaterial: { certificate: { rawBytes: der.toString('base64') }, tlogEntries: [] },
        dsseEnvelope: { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: signature.keyid ?? '', sig: signature.sig.toString('base64') }] },
      });
    }
    return unverified('PROVENANCE_NO_LOG_PROOF', `${source}: a bare DSSE envelope carries no transparency-log proof of its signing time; give --rekor-url to look its log entry up, wrap it in a Sigstore bundle, or verify it with --key`);
  }
  // Keyed envelopes (e.g. Google Cloud Build): every signature must verify; one bad signature among
  // good ones is not ignored, since it means the envelope is not what its signers signed.
  const results = await Promise.all(envelope.value.signatures.map((s) =>
    verify({
      mediaType: BUNDLE_V03,
      verificationMaterial: { publicKey: { hint: s.keyid ?? '' }, tlogEntries: [] },
      dsseEnvelope: { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: s.keyid ?? '', sig: s.sig.toString('base64') }] },
    }),
  ));
  return results.find((r) => !r.verified) ?? results[0] ?? unverified('DSSE_UNSIGNED', `${source}: no signatures`);
}

function keyHintOf(bundle: Record<string, unknown>): string | undefined {
  const material = bundle['verificationMaterial'];
  const key = material !== null && typeof material === 'object' ? (material as Record<string, unknown>)['publicKey'] : undefined;
  const hint = key !== null && typeof key === 'object' ? (key as Record<string, unknown>)['hint'] : undefined;
  return typeof hint === 'string' && hint !== '' ? hint : undefined;
}

/** The DER bytes of the first certificate in a PEM text (slsa-github-generator's inline `cert`). */
function certificateDer(pem: string): Buffer | undefined {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  const der = m?.[1] === undefined ? undefined : Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  return der !== undefined && der.length > 0 ? der : undefined;
}
