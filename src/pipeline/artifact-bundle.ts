/**
 * `vouch artifact --bundle`: parses the bundle (read, with the trust material, by
 * artifact-inputs.ts), optionally looks the log entry up online, verifies, and turns the result
 * into checks and a signature record.
 */
import { createHash } from 'node:crypto';
import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import type { Check, SignatureEvidence } from '../evidence/index.js';
import { parseBundle, verifyBundle } from '../trust/sigstore/index.js';
import type { ArtifactInput, BundleVerification, ParsedBundle, SigstoreTrust, StageResult } from '../trust/sigstore/index.js';
import { lookupLogEntries } from '../trust/sigstore/rekor-online.js';
import type { ArtifactSubject } from './artifact-subject.js';
import { signerEvidence } from '../trust/sigstore/signer-evidence.js';
import type { ArtifactOptions } from './options.js';

export interface BundleCollection {
  readonly checks: readonly Check[];
  readonly signatures: readonly SignatureEvidence[];
  readonly warnings: readonly string[];
}

/** The bundle file and the trust material, as artifact-inputs.ts started reading them. */
export interface BundleInput {
  readonly path: string;
  readonly bytes: Promise<Buffer>;
  readonly trust: () => Promise<SigstoreTrust>;
}

export async function collectBundleEvidence(options: ArtifactOptions, input: BundleInput, subject: ArtifactSubject, ctx: RunContext): Promise<BundleCollection> {
  const { sigstore } = options;
  const bundlePath = input.path;
  const bytes = await input.bytes;
  const parsed = parseBundle(bytes, options.limits.maxDocumentBytes);
  if (!parsed.ok) {
    switch (parsed.reason) {
      case 'too-large':
        return fail('LIMIT_EXCEEDED', `--bundle ${bundlePath}: ${parsed.message}`);
      case 'unsupported-media-type':
        return fail('UNSUPPORTED_FORMAT', `--bundle ${bundlePath}: ${parsed.message}`, { hints: ['vouch reads Sigstore bundles v0.1, v0.2 and v0.3'] });
      case 'not-json':
      case 'invalid': {
        const format: Check = { id: 'artifact.bundle.format', status: 'fail', code: parsed.code, message: parsed.message };
        const signature: SignatureEvidence = { kind: 'sigstore-bundle', verified: false, code: parsed.code, message: parsed.message, source: bundlePath };
        return { checks: [format], signatures: [signature], warnings: [] };
      }
    }
  }
  const trust = await input.trust();
  ctx.log.debug(`trust material: ${trust.source}`);
  const artifact: ArtifactInput = artifactInput(subject);
  const expected = sigstore.expected;
  const verifyOne = (p: ParsedBundle): BundleVerification => verifyBundle(p, artifact, trust, expected, { insecureIgnoreTlog: sigstore.insecureIgnoreTlog });

  let result: BundleVerification;
  let source = bundlePath;
  // The log is searched by the sha256 the entry records; a sha512-only subject has none to search by.
  if (parsed.bundle.verificationMaterial.tlogEntries.length === 0 && sigstore.rekorUrl !== undefined && subject.sha256 !== undefined) {
    const online = await lookupLogEntries(sigstore.rekorUrl, parsed, subject.sha256, trust, ctx);
    // Every candidate the log returns is verified like an embedded entry; the first that holds wins.
    const results = online.map((p) => verifyOne(p));
    result = results.find((r) => r.verified) ?? results[0] ?? verifyOne(parsed);
    if (online.length > 0) source = `${bundlePath} (log entry from ${sigstore.rekorUrl})`;
  } else {
    result = verifyOne(parsed);
  }
  return { checks: toChecks(result, parsed), signatures: [{ ...toSignature(result, source), digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` }], warnings: result.warnings };
}

/** The bytes when they were kept, else the digest(s) known: sha256 first, sha512 as well or alone. */
function artifactInput(subject: ArtifactSubject): ArtifactInput {
  if (subject.bytes) return { kind: 'bytes', bytes: subject.bytes };
  if (subject.sha256 !== undefined) return { kind: 'digest', digest: { algorithm: 'sha256', hex: subject.sha256 }, ...(subject.sha512 !== undefined && { also: { sha512: subject.sha512 } }) };
  return { kind: 'digest', digest: { algorithm: 'sha512', hex: subject.sha512 ?? '' } };
}

function toChecks(result: BundleVerification, parsed: ParsedBundle): Check[] {
  const check = (id: string, s: StageResult): Check => ({
    id,
    status: s.status,
    code: s.code,
    message: s.message,
    ...(s.expected !== undefined && { expected: s.expected }),
    ...(s.found !== undefined && { found: s.found }),
  });
  const checks = [
    { id: 'artifact.bundle.format', status: 'pass', code: 'BUNDLE_PARSED', message: `Sigstore bundle v${parsed.version} (${parsed.content})`, details: { mediaType: parsed.mediaType } } satisfies Check,
    check('artifact.bundle.signature', result.stages.signature),
    check('artifact.bundle.identity', result.stages.identity),
    check('artifact.bundle.tlog', result.stages.tlog),
  ];
  if (result.stages.subject) checks.push(check('artifact.bundle.subject', result.stages.subject));
  return checks;
}

function toSignature(result: BundleVerification, source: string): SignatureEvidence {
  return {
    kind: 'sigstore-bundle',
    verified: result.verified,
    code: result.code,
    message: result.message,
    ...signerEvidence(result),
    source,
    ...(result.signedAt !== undefined && { signedAt: result.signedAt }),
  };
}
