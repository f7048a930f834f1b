import type { TlogEvidence } from '../../evidence/index.js';
import type { VerifiedSigner } from './index.js';

/**
 * The signer and log fields every signature and attestation record carries, from one
 * verification result: identity, issuer and key at the top (what policies read), the full signer
 * with its certificate extensions, and the log entries when there are any.
 */
export function signerEvidence(result: { readonly signer?: VerifiedSigner | undefined; readonly tlog: readonly TlogEvidence[] }) {
  const s = result.signer;
  return {
    ...(s?.identity !== undefined && { identity: s.identity }),
    ...(s?.issuer !== undefined && { issuer: s.issuer }),
    ...(s?.key !== undefined && { key: s.key }),
    ...(s && { signer: s }),
    ...(result.tlog.length > 0 && { tlog: result.tlog }),
  };
}
