/**
 * Why a signing time could not be verified. @sigstore/verify reports every RFC 3161 failure as
 * "timestamp could not be verified" (or "invalid certificate chain"), which leaves the user
 * guessing between a token from an unknown authority, an authority outside its validity window,
 * an expired TSA certificate and a token over other bytes. Once verification has failed with
 * TIMESTAMP_INVALID, vouch replays the library's steps for each token, with the library's own
 * pieces (@sigstore/core's token verification, @sigstore/verify's chain verifier), and names the
 * authority and the step that failed. This only explains a failure; it never turns one into a pass.
 */
import { crypto as sigstoreCrypto } from '@sigstore/core';
import type { RFC3161Timestamp } from '@sigstore/core';
import type { SignedEntity, TrustMaterial } from '@sigstore/verify';
// Not re-exported by the package index; the package has no exports map, so the file is public.
import { CertificateChainVerifier } from '@sigstore/verify/dist/key/certificate.js';
import { messageOf } from '../../errors.js';

type Authority = TrustMaterial['timestampAuthorities'][number];

/** @sigstore/verify's stand-in for "no end" is the largest Date; anything past year 9999 reads as such. */
const END_OF_TIME = Date.UTC(9999, 0, 1);
const until = (end: Date): string => (end.getTime() >= END_OF_TIME ? 'no end' : end.toISOString());

/**
 * The message for a TIMESTAMP_INVALID failure. `names` are the trusted root's names of its
 * timestamp authorities (URI or subject), in the trusted root's order.
 */
export function explainTimestampFailure(entity: SignedEntity, trust: TrustMaterial, names: readonly string[], libraryMessage: string): string {
  const tokens = entity.timestamps.flatMap((t) => (t.$case === 'timestamp-authority' ? [t.timestamp] : []));
  const logTimes = entity.timestamps.length - tokens.length;
  if (tokens.length === 0) {
    return logTimes > 0
      ? `no verified signing time: ${libraryMessage}`
      : `no verified signing time: the bundle carries no RFC 3161 timestamp and no log entry with a signed entry timestamp (SET); a certificate is only checked at a signed time (${libraryMessage})`;
  }
  const reasons = tokens.map((token, i) => `timestamp ${i + 1}: ${explainToken(token, entity.signature.signature, trust, names)}`);
  return `${reasons.join('; ')} (${libraryMessage})`;
}

function explainToken(token: RFC3161Timestamp, signature: Buffer, trust: TrustMaterial, names: readonly string[]): string {
  try {
    const time = token.signingTime;
    const at = time.toISOString();
    const serial = token.signerSerialNumber.toString('hex');
    const name = (ca: Authority): string => names[trust.timestampAuthorities.indexOf(ca)] ?? `timestamp authority with certificate serial ${serial}`;
    const issued = trust.timestampAuthorities.filter((ca) => {
      const leaf = ca.certChain[0];
      return leaf !== undefined && leaf.serialNumber.equals(token.signerSerialNumber) && leaf.issuer.equals(token.signerIssuer);
    });
    if (issued.length === 0) return `signed at ${at} by a certificate (serial ${serial}) of no timestamp authority in the trusted root`;
    const problems = issued.map((ca) => {
      if (time < ca.validFor.start || time > ca.validFor.end) {
        return `${name(ca)} is trusted from ${ca.validFor.start.toISOString()} to ${until(ca.validFor.end)}, and the token's time ${at} is outside that window`;
      }
      const [leaf, ...chain] = ca.certChain;
      if (leaf === undefined) return `${name(ca)} has no certificate`;
      if (!leaf.validForDate(time)) {
        return `the certificate of ${name(ca)} is valid from ${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}, and the token's time ${at} is outside that window`;
      }
      try {
        new CertificateChainVerifier({ untrustedCert: leaf, trustedCerts: chain, timestamp: time }).verify();
      } catch (err) {
        return `the certificate chain of ${name(ca)} does not verify at ${at}: ${messageOf(err)}`;
      }
      try {
        token.verify(signature, sigstoreCrypto.createPublicKey(leaf.publicKey));
      } catch (err) {
        return `the token of ${name(ca)} (time ${at}) does not verify: ${messageOf(err)}`;
      }
      return `the token of ${name(ca)} (time ${at}) verifies on its own`;
    });
    return problems.join('; ');
  } catch (err) {
    return `the token cannot be read: ${messageOf(err)}`;
  }
}
