import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { VouchError } from '../errors.js';
import type { IdentityExpectation } from '../pipeline/options.js';

/**
 * re2js (270 KB of code) is loaded only when a regular expression flag is given: a static import
 * made every start of the CLI parse and compile it. Required at run time (not bundled) through
 * node's own resolution of the installed package, the same engine identity.ts matches with.
 */
const re2js = (): { RE2JS: typeof RE2JS } => createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS };

/** How a usage message names each field: the library's option names, or the CLI's flags. */
export type IdentityFieldNames = { readonly [K in keyof Required<IdentityExpectation>]: string };

export const IDENTITY_FIELDS: IdentityFieldNames = {
  identity: 'sigstore.expected.identity',
  identityRegexp: 'sigstore.expected.identityRegexp',
  issuer: 'sigstore.expected.issuer',
  issuerRegexp: 'sigstore.expected.issuerRegexp',
};

/**
 * Refuses an expected keyless signer that names no signer, before any work starts.
 * As in cosign, a keyless signer is an identity *and* the OIDC issuer that vouched for it: the
 * same e-mail address or URI can be minted by any issuer Fulcio trusts, so one without the
 * other would accept signers the user never meant.
 * @throws VouchError USAGE naming the missing field, or the regular expression that does not compile.
 */
export function checkIdentityExpectation(expected: IdentityExpectation, names: IdentityFieldNames = IDENTITY_FIELDS): void {
  const named = expected.identity !== undefined || expected.identityRegexp !== undefined;
  const issued = expected.issuer !== undefined || expected.issuerRegexp !== undefined;
  if (named !== issued) {
    throw new VouchError({
      code: 'USAGE',
      message: named
        ? `a certificate identity needs its issuer: add ${names.issuer} (or ${names.issuerRegexp})`
        : `an OIDC issuer alone names no signer: add ${names.identity} (or ${names.identityRegexp})`,
    });
  }
  for (const name of ['identityRegexp', 'issuerRegexp'] as const) {
    const re = expected[name];
    if (re !== undefined) {
      try {
        // The same engine and the same compile as the match (identity.ts): RE2 syntax, linear time.
        re2js().RE2JS.compile(re);
      } catch (err) {
        throw new VouchError({ code: 'USAGE', message: `invalid regular expression ${JSON.stringify(re)}: ${(err as Error).message}` });
      }
    }
  }
}
