import { isRecord } from '../outcome.js';

/**
 * The branch a build from a tag belongs to, as slsa-verifier's GetBranch reads it for
 * `--source-branch`: GitHub runs a tag push on the tag's ref, so the branch is only in the
 * environment the builder recorded — `github_base_ref` when set, else the triggering event's
 * payload: `base_ref` of a `push` (absent or null for a tag pushed without a branch, e.g. an
 * annotated tag on a detached commit) or `release.target_commitish` of a `release`. Any other
 * event names no branch.
 *
 * Why this may be trusted: the environment is part of the signed predicate, written by the builder
 * whose identity the certificate proves (builder.ts), from the event GitHub handed it; it is the
 * same claim slsa-verifier accepts. It is only ever used for tag builds; a branch build's branch is
 * its ref, which the certificate's source-ref extension confirms (expectations.ts).
 *
 * `environment` is SLSA v0.2's invocation.environment (lower-case keys) or SLSA v1's
 * internalParameters (upper-case keys); both spellings are read.
 */
export function branchOfTagBuild(environment: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (environment === undefined) return undefined;
  const baseRef = field(environment, 'github_base_ref');
  if (typeof baseRef === 'string' && baseRef !== '') return baseRef;
  const payload = field(environment, 'github_event_payload');
  if (!isRecord(payload)) return undefined;
  switch (field(environment, 'github_event_name')) {
    case 'push': {
      const ref = payload['base_ref'];
      return typeof ref === 'string' && ref.startsWith('refs/heads/') ? ref : undefined;
    }
    case 'release': {
      const release = payload['release'];
      const target = isRecord(release) ? release['target_commitish'] : undefined;
      return typeof target === 'string' && target !== '' ? `refs/heads/${target}` : undefined;
    }
    default:
      return undefined;
  }
}

function field(environment: Readonly<Record<string, unknown>>, lower: string): unknown {
  const upper = lower.toUpperCase();
  if (Object.hasOwn(environment, lower)) return environment[lower];
  return Object.hasOwn(environment, upper) ? environment[upper] : undefined;
}
