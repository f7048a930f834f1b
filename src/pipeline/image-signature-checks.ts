import type { Check } from '../evidence/index.js';
import type { Discovery } from '../sources/image/discover-types.js';
import type { ImageAttachmentEvidence } from './image-attachments.js';
import { provenanceExpectationsEvidence, provenanceExpectationsGiven } from './provenance-expectations.js';
import type { ImageOptions } from './options.js';

/** A signer was named (key or keyless identity): a verified signature is then required. */
export function signerNamed(options: ImageOptions): boolean {
  const { sigstore } = options;
  return sigstore.key !== undefined || sigstore.expected.identity !== undefined || sigstore.expected.identityRegexp !== undefined;
}

/**
 * The lookup check says where vouch looked and what it found (an empty result is a pass of the
 * lookup, not of the signature); the signature check exists when a signer was named.
 */
export function signatureChecks(discovery: Discovery, found: ImageAttachmentEvidence, options: ImageOptions): Check[] {
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

export function imageExpectations(options: ImageOptions): Record<string, string | readonly string[] | boolean> {
  const { sigstore, provenance } = options;
  const out: Record<string, string | readonly string[] | boolean> = {};
  if (signerNamed(options)) {
    out['signature'] = true;
    for (const [name, value] of Object.entries(sigstore.expected)) if (value !== undefined) out[name] = value;
    if (sigstore.key !== undefined) out['key'] = sigstore.key;
    out['trustedRoot'] = sigstore.trustedRoot ?? 'public-good';
    if (sigstore.insecureIgnoreTlog) out['insecureIgnoreTlog'] = true;
    if (options.dockerReference !== undefined) out['dockerReference'] = options.dockerReference;
  }
  if (provenanceExpectationsGiven(provenance)) Object.assign(out, provenanceExpectationsEvidence(provenance));
  out['platform'] = options.platform;
  return out;
}
