/**
 * Who signs in the sample world. Every keyless signature and attestation is made by one reusable
 * publishing workflow (the SAN, as with slsa-github-generator's builders); the repository that
 * called it is in the certificate's source-repository extensions and in the provenance. The
 * "provenance from another source" twin is the same workflow called from a fork.
 */
export const OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
export const SIGNER_WORKFLOW = 'vouch-sample/build-workflows/.github/workflows/apko-publish.yml@refs/tags/v1';
export const SIGNER_IDENTITY = `https://github.com/${SIGNER_WORKFLOW}`;

export type IdentityName = 'sample' | 'fork';

export interface SigningIdentity {
  readonly repository: string;
  readonly commit: string;
}

export function oidcClaims(identity: SigningIdentity): Record<string, string> {
  const owner = identity.repository.split('/')[0] ?? '';
  return {
    iss: OIDC_ISSUER,
    sub: SIGNER_IDENTITY,
    aud: 'sigstore',
    event_name: 'push',
    sha: identity.commit,
    repository: identity.repository,
    repository_owner: owner,
    ref: 'refs/heads/main',
    workflow_ref: `${identity.repository}/.github/workflows/release.yml@refs/heads/main`,
    job_workflow_ref: SIGNER_WORKFLOW,
    runner_environment: 'github-hosted',
    run_id: '4242',
    run_attempt: '1',
  };
}
