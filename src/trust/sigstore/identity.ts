/**
 * The signer's identity as read from a Fulcio certificate, and the identity policy.
 *
 * vouch reads the identity itself rather than through @sigstore/verify's policy because
 * (1) cosign's flags allow regular expressions for the issuer too, which @sigstore/verify does not;
 * (2) @sigstore/verify only knows URI and email SANs, while Fulcio also issues an otherName SAN
 *     (OID 1.3.6.1.4.1.57264.1.7, "username!issuer-host") that cosign and sigstore-go match on;
 * (3) the report shows the identity and Fulcio extensions, matched or not.
 * Regular expressions are always anchored: the whole value must match (cosign uses Go's regexp
 * MatchString, which is unanchored; anchoring is the safer reading and is documented in --help).
 * They run on re2js (RE2 syntax, as cosign's Go regexp): matching is linear in the identity
 * whatever the pattern, so a pattern such as `(a+)+$` cannot stall a verification.
 */
import type { X509Certificate } from '@sigstore/core';
import { ASN1Obj } from '@sigstore/core';
import { RE2JS } from 're2js';
import type { ExpectedSigner, StageResult, VerifiedSigner } from './types.js';

const FULCIO = '1.3.6.1.4.1.57264.1';
const OTHERNAME_SAN_OID = `${FULCIO}.7`;

// Fulcio extension OIDs by name (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md).
// .1-.6 are the deprecated raw-string forms; .8 and later hold a DER UTF8String.
const EXTENSIONS: readonly [number, string][] = [
  [2, 'githubWorkflowTrigger'], [3, 'githubWorkflowSha'], [4, 'githubWorkflowName'], [5, 'githubWorkflowRepository'],
  [6, 'githubWorkflowRef'], [9, 'buildSignerUri'], [10, 'buildSignerDigest'], [11, 'runnerEnvironment'],
  [12, 'sourceRepositoryUri'], [13, 'sourceRepositoryDigest'], [14, 'sourceRepositoryRef'], [15, 'sourceRepositoryIdentifier'],
  [16, 'sourceRepositoryOwnerUri'], [17, 'sourceRepositoryOwnerIdentifier'], [18, 'buildConfigUri'], [19, 'buildConfigDigest'],
  [20, 'buildTrigger'], [21, 'runInvocationUri'], [22, 'sourceRepositoryVisibilityAtSigning'],
];

/** Reads SAN, issuer and the Fulcio extensions from a (leaf) certificate. */
export function signerFromCertificate(cert: X509Certificate): VerifiedSigner {
  const san = cert.extSubjectAltName;
  const identity = san?.uri ?? san?.rfc822Name ?? safe(() => san?.otherName(OTHERNAME_SAN_OID));
  const issuer = extensionText(cert, 8) ?? extensionText(cert, 1);
  const extensions: Record<string, string> = {};
  for (const [arc, name] of EXTENSIONS) {
    const value = extensionText(cert, arc);
    if (value !== undefined) extensions[name] = value;
  }
  return {
    ...(identity !== undefined && { identity }),
    ...(issuer !== undefined && { issuer }),
    ...(Object.keys(extensions).length > 0 && { extensions }),
  };
}

function extensionText(cert: X509Certificate, arc: number): string | undefined {
  return safe(() => {
    const ext = cert.extension(`${FULCIO}.${arc}`);
    if (ext === undefined) return undefined;
    // Before .8, Fulcio wrote the raw string as the extension value; from .8 on, a UTF8String.
    const bytes = arc < 8 ? ext.value : ASN1Obj.parseBuffer(Buffer.from(ext.value)).value;
    return bytes.toString('utf8');
  });
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** True when the expectation names a signer (what cosign requires for keyless verification). */
export function namesSigner(expected: ExpectedSigner): boolean {
  return expected.identity !== undefined || expected.identityRegexp !== undefined;
}

/**
 * Compiles an anchored regular expression: the whole value must match. The pattern is compiled on
 * its own and matched with RE2's whole-input match (not by pasting it into `^(?:…)$`), so a
 * pattern like `a)|(.*` cannot escape the anchors. Throws on a pattern RE2 rejects
 * (back-references, lookaround); the CLI reports that as a usage error before any work.
 */
export function anchored(re: string): { test(value: string): boolean } {
  const compiled = RE2JS.compile(re);
  return { test: (value) => compiled.matcher(value).matches() };
}

/**
 * How a pattern is shown in messages: as the anchored expression it is matched as, so that nobody
 * reads `/github.com/acme/` as "contains" when the whole identity has to match it.
 */
export function shownAnchored(re: string): string {
  return re.startsWith('^') && re.endsWith('$') ? `/${re}/` : `/^(?:${re})$/`;
}

/** Checks a keyless signer against the expectation; both identity and issuer must hold when given. */
export function matchIdentity(signer: VerifiedSigner, expected: ExpectedSigner): StageResult {
  const wantedIdentity = expected.identity ?? (expected.identityRegexp !== undefined ? shownAnchored(expected.identityRegexp) : undefined);
  const identityOk =
    (expected.identity === undefined || signer.identity === expected.identity) &&
    (expected.identityRegexp === undefined || (signer.identity !== undefined && anchored(expected.identityRegexp).test(signer.identity)));
  if (!identityOk) {
    return { status: 'fail', code: 'SIGNER_IDENTITY_MISMATCH', message: `certificate identity ${JSON.stringify(signer.identity ?? null)} does not match ${wantedIdentity}`, ...(wantedIdentity !== undefined && { expected: wantedIdentity }), ...(signer.identity !== undefined && { found: signer.identity }) };
  }
  const wantedIssuer = expected.issuer ?? (expected.issuerRegexp !== undefined ? shownAnchored(expected.issuerRegexp) : undefined);
  const issuerOk =
    (expected.issuer === undefined || signer.issuer === expected.issuer) &&
    (expected.issuerRegexp === undefined || (signer.issuer !== undefined && anchored(expected.issuerRegexp).test(signer.issuer)));
  if (!issuerOk) {
    return { status: 'fail', code: 'SIGNER_ISSUER_MISMATCH', message: `certificate OIDC issuer ${JSON.stringify(signer.issuer ?? null)} does not match ${wantedIssuer}`, ...(wantedIssuer !== undefined && { expected: wantedIssuer }), ...(signer.issuer !== undefined && { found: signer.issuer }) };
  }
  return { status: 'pass', code: 'SIGNER_IDENTITY_MATCHED', message: `signed by ${signer.identity ?? '(no identity)'} (issuer ${signer.issuer ?? 'unknown'})` };
}
