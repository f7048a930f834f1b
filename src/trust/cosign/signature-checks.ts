/**
 * The image's signature checks from what discovery found and what verification made of it: where
 * vouch looked, and (when a signer was named) whether a signature from that signer verified.
 */
import type { Check, SignatureEvidence } from '../../evidence/index.js';
import type { Discovery } from '../../sources/image/discover-types.js';
import type { ExpectedSigner } from '../sigstore/index.js';

/** What the checks read of the image options: a key or a keyless identity names a signer. */
export interface NamedSignerOptions {
  readonly sigstore: { readonly key?: string | undefined; readonly expected: ExpectedSigner };
}

/** What verification found: the signature records and how many attestations there were. */
export interface FoundAttachments {
  readonly signatures: readonly SignatureEvidence[];
  readonly attestations: readonly unknown[];
}

/** A signer was named (key or keyless identity): a verified signature is then required. */
export function signerNamed(options: NamedSignerOptions): boolean {
  const { sigstore } = options;
  return sigstore.key !== undefined || sigstore.expected.identity !== undefined || sigstore.expected.identityRegexp !== undefined;
}

/**
 * The lookup check says where vouch looked and what it found (an empty result is a pass of the
 * lookup, not of the signature); the signature check exists when a signer was named.
 */
export function signatureChecks(discovery: Discovery, found: FoundAttachments, options: NamedSignerOptions): Check[] {
  const lookups = [...discovery.lookups].sort((a, b) => (`${a.target} ${a.method}` < `${b.target} ${b.method}` ? -1 : 1));
  const checks: Check[] = [
    {
      id: 'image.signatures.lookup',
      status: 'pass',
      code: lookups.some((l) => l.outcome === 'found') ? 'ATTACHMENTS_FOUND' : 'ATTACHMENTS_NONE',
      message: `${found.signatures.length} signature(s) and ${found.attestations.length} attestation(s) found in ${lookups.length} lookup(s)`,
      details: { lookups, ...(discovery.ignored.length > 0 && { ignored: discovery.ignored }) },
    },
  ];
  if (signerNamed(options)) {
    const ok = found.signatures.filter((s) => s.verified);
    checks.push(
      ok.length > 0
        ? { id: 'image.signature', status: 'pass', code: 'SIGNATURE_VERIFIED', message: `${ok.length} signature(s) from the named signer verified`, details: { attachedTo: [...new Set(ok.map((s) => s.attachedTo))].sort() } }
        : found.signatures.length === 0
          ? { id: 'image.signature', status: 'fail', code: 'SIGNATURE_NOT_FOUND', message: 'no signature is attached to the image or its index' }
          : {
              id: 'image.signature',
              status: 'fail',
              code: 'SIGNATURE_NOT_VERIFIED',
              message: `none of the ${found.signatures.length} signature(s) verified for the named signer`,
              details: { codes: [...new Set(found.signatures.map((s) => s.code))].sort() },
            },
    );
  }
  return checks;
}
