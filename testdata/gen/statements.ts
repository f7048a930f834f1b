import type { IdentityName, SigningIdentity } from './identities.js';
import { SIGNER_IDENTITY } from './identities.js';
import { BUILD_TIME, SIGNING_TIME } from './util.js';

/**
 * The in-toto statements of the sample world (in-toto Statement v1): cosign v3's image signature
 * predicate, SLSA v1 provenance in the shape of slsa-github-generator's GitHub Actions workflow
 * build type, and an SPDX SBOM attestation. Each names the platform manifest by digest.
 */
export const IN_TOTO_STATEMENT = 'https://in-toto.io/Statement/v1';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SPDX_PREDICATE = 'https://spdx.dev/Document';
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1';

const subject = (name: string, digest: string) => [{ name, digest: { sha256: digest.slice('sha256:'.length) } }];

export function cosignSignStatement(repository: string, digest: string): string {
  return JSON.stringify({ _type: IN_TOTO_STATEMENT, subject: subject(repository, digest), predicateType: COSIGN_SIGN_PREDICATE, predicate: {} });
}

export function provenanceStatement(repository: string, digest: string, who: IdentityName, identity: SigningIdentity): string {
  const repoUrl = `https://github.com/${identity.repository}`;
  return JSON.stringify({
    _type: IN_TOTO_STATEMENT,
    subject: subject(repository, digest),
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: GITHUB_WORKFLOW_BUILD_TYPE,
        externalParameters: {
          workflow: { ref: 'refs/heads/main', repository: repoUrl, path: '.github/workflows/release.yml' },
          inputs: { apko_config: 'apko.yaml' },
        },
        internalParameters: {
          github: { event_name: 'push', repository_id: who === 'sample' ? '700001' : '700666', repository_owner_id: who === 'sample' ? '900001' : '900666', runner_environment: 'github-hosted' },
        },
        resolvedDependencies: [{ uri: `git+${repoUrl}@refs/heads/main`, digest: { gitCommit: identity.commit } }],
      },
      runDetails: {
        builder: { id: SIGNER_IDENTITY },
        metadata: { invocationId: `${repoUrl}/actions/runs/4242/attempts/1`, startedOn: BUILD_TIME, finishedOn: SIGNING_TIME },
      },
    },
  });
}

export function sbomStatement(repository: string, digest: string, sbom: unknown): string {
  return JSON.stringify({ _type: IN_TOTO_STATEMENT, subject: subject(repository, digest), predicateType: SPDX_PREDICATE, predicate: sbom });
}
