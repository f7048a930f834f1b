import type { ImageOptions } from './options.js';
import { provenanceExpectationsEvidence, provenanceExpectationsGiven } from '../attestations/provenance/user-expectations.js';
import { signerNamed } from '../trust/cosign/index.js';

/** What the Evidence records of the user's expectations for an image: signer, provenance, platform. */
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
