import type { Check, Signer } from '../evidence/index.js';
import { matchIdentity, namesSigner } from '../trust/sigstore/identity.js';
import type { ExpectedSigner } from '../trust/sigstore/types.js';
import type { ProvenanceView } from './provenance/index.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GENERATOR = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/';

/**
 * slsa-github-generator's delegator workflows sign on behalf of a trusted reusable workflow (TRW,
 * "bring your own builder"): the certificate names the delegator, the predicate names the TRW.
 * slsa-verifier accepts exactly these; any other workflow must be the builder it claims to be.
 */
const DELEGATORS = [`${GENERATOR}delegator_generic_slsa3.yml`, `${GENERATOR}delegator_lowperms-generic_slsa3.yml`];

/** GitHub's hosted runner as a builder (npm provenance): proven by the runner-environment extension. */
const GITHUB_RUNNERS = ['https://github.com/actions/runner/github-hosted', 'https://github.com/actions/runner'];

/**
 * The builders trusted when the user names none (slsa-verifier's defaults): slsa-github-generator's
 * own workflows at a release tag. Delegated builders always need --builder-id.
 */
const DEFAULT_TRUSTED_BUILDERS = [
  'generator_generic_slsa3.yml',
  'generator_container_slsa3.yml',
  'builder_go_slsa3.yml',
  'builder_container-based_slsa3.yml',
  'builder_nodejs_slsa3.yml',
  'builder_maven_slsa3.yml',
  'builder_gradle_slsa3.yml',
].map((w) => `${GENERATOR}${w}`);

/**
 * Older names of builders that renamed themselves: npm's SLSA v0.2 provenance calls GitHub's hosted
 * runner `https://github.com/actions/runner`, v1 `.../github-hosted` (slsa-verifier accepts both).
 */
const LEGACY_NAMES: Readonly<Record<string, string>> = {
  'https://github.com/actions/runner': 'https://github.com/actions/runner/github-hosted',
};

export function withoutRef(id: string): string {
  const at = id.lastIndexOf('@');
  return at > 0 ? id.slice(0, at) : id;
}

/**
 * Whether the signer proves the builder the predicate claims. A predicate is written by whoever
 * signs it, so `builder.id` alone proves nothing: for keyless signatures the certificate identity
 * (the workflow that held the OIDC token) must be that builder, or a delegator allowed to sign for
 * it. For keyed signatures the user's trust in the key is the proof.
 */
export function checkBuilderIdentity(view: ProvenanceView, signer: Signer): Check {
  const id = 'provenance.builder';
  const claimed = view.builderId;
  if (signer.identity === undefined) {
    return signer.key !== undefined
      ? { id, status: 'pass', code: 'BUILDER_TRUSTED_BY_KEY', message: `builder ${claimed}, signed by trusted key ${signer.key}` }
      : { id, status: 'fail', code: 'BUILDER_UNPROVEN', message: `nothing proves builder ${claimed}: the signature has no identity and no trusted key` };
  }
  const san = signer.identity;
  if (signer.issuer === GITHUB_ISSUER) {
    if (DELEGATORS.includes(withoutRef(san)) && san.includes('@refs/tags/')) {
      return { id, status: 'pass', code: 'BUILDER_DELEGATED', message: `builder ${claimed}, signed by the delegator ${san}` };
    }
    if (GITHUB_RUNNERS.includes(withoutRef(claimed))) {
      const runner = signer.extensions?.['runnerEnvironment'];
      return runner === undefined || runner === 'github-hosted'
        ? { id, status: 'pass', code: 'BUILDER_IDENTITY_PROVEN', message: `builder ${claimed}: GitHub-hosted runner for workflow ${san}` }
        : { id, status: 'fail', code: 'BUILDER_IDENTITY_MISMATCH', message: `builder ${claimed} claimed, but the workflow ran on a ${runner} runner`, expected: 'github-hosted', found: runner };
    }
  }
  if (claimed === san) return { id, status: 'pass', code: 'BUILDER_IDENTITY_PROVEN', message: `builder ${claimed} is the signing identity` };
  return {
    id,
    status: 'fail',
    code: 'BUILDER_IDENTITY_MISMATCH',
    message: 'the predicate claims a builder other than the identity that signed it',
    expected: claimed,
    found: san,
  };
}

/**
 * slsa-verifier's MatchesLoose(expected, allowRef=true): without a ref any ref of that builder
 * matches; with one, the refs must be equal, or the expected short tag `vX.Y.Z` must name the
 * certificate's full ref `refs/tags/vX.Y.Z` (GitHub builders are always identified by the full ref,
 * users write the short one). Never a prefix or pattern: `@v1` does not match `@refs/tags/v1.2.0`.
 */
export function matchesBuilderId(actual: string, expected: string): boolean {
  const at = expected.lastIndexOf('@');
  if (at <= 0) return withoutRef(actual) === expected || LEGACY_NAMES[actual] === expected;
  const ref = expected.slice(at + 1);
  return actual === expected || (ref !== '' && !ref.startsWith('refs/') && actual === `${expected.slice(0, at)}@refs/tags/${ref}`);
}

/**
 * The --builder-id expectation, against a builder already proven by checkBuilderIdentity:
 * `uri` matches any ref of that builder, `uri@ref` only that ref. With no --builder-id, only
 * slsa-github-generator's own builders at a release tag are trusted (as slsa-verifier does).
 */
export function checkExpectedBuilder(view: ProvenanceView, expected: string | undefined, signer: Signer = {}, namedSigner: ExpectedSigner = {}, required = false): Check {
  const id = 'provenance.expect.builder-id';
  const actual = view.builderId;
  if (expected === undefined && required) {
    return { id, status: 'fail', code: 'BUILDER_UNTRUSTED', message: 'npm provenance counts only for the builder named with --builder-id (as slsa-verifier verify-npm-package requires)', found: actual };
  }
  if (expected === undefined) {
    const trusted = DEFAULT_TRUSTED_BUILDERS.includes(withoutRef(actual)) && actual.includes('@refs/tags/v');
    if (trusted) return { id, status: 'pass', code: 'BUILDER_TRUSTED_DEFAULT', message: `builder ${actual} is a trusted slsa-github-generator builder` };
    // The user named the signer with --certificate-identity(-regexp): a builder that is that very
    // signing identity (proven by the certificate, not by the predicate) is the one they trust.
    const named = namesSigner(namedSigner) && signer.identity === actual && matchIdentity(signer, namedSigner).status === 'pass';
    return named
      ? { id, status: 'pass', code: 'BUILDER_TRUSTED_BY_IDENTITY', message: `builder ${actual} is the signer named by the certificate identity flags` }
      : {
          id,
          status: 'fail',
          code: 'BUILDER_UNTRUSTED',
          message: 'no --builder-id was given and the builder is neither a default trusted builder nor the named signing identity',
          found: actual,
        };
  }
  return matchesBuilderId(actual, expected)
    ? { id, status: 'pass', code: 'BUILDER_ID_MATCHED', message: `builder ${actual} matches ${expected}` }
    : { id, status: 'fail', code: 'BUILDER_ID_MISMATCH', message: 'the provenance was made by another builder', expected, found: actual };
}
