import { isRecord } from '../outcome.js';

/**
 * What slsa-github-generator's builders record of the GitHub event that started the build — SLSA
 * v0.2's invocation.environment (lower-case keys) or SLSA v1's internalParameters (upper-case
 * keys) — read the way slsa-verifier reads it. Every value is a claim of the signed predicate,
 * written by the builder whose identity the certificate proves (builder.ts), from the event GitHub
 * handed it.
 */

/**
 * The inputs of the build workflow (`--build-workflow-input`), as slsa-verifier's
 * GetWorkflowInputs: the `workflow_dispatch` event's inputs, and none for any other event. The
 * builder's own inputs (a delegated builder's `externalParameters.inputs`, chosen by the calling
 * workflow) are not the build workflow's inputs. `undefined` when the environment names no event
 * (provenance of another builder): the caller then reads its own fields.
 */
export function workflowDispatchInputs(environment: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> | undefined {
  if (environment === undefined) return undefined;
  const event = field(environment, 'github_event_name');
  if (event === undefined) return undefined;
  if (event !== 'workflow_dispatch') return {};
  const payload = field(environment, 'github_event_payload');
  const inputs = isRecord(payload) ? payload['inputs'] : undefined;
  return isRecord(inputs) ? inputs : {};
}

/**
 * The branch a build from a tag belongs to, as slsa-verifier's GetBranch reads it for
 * `--source-branch`: GitHub runs a tag push on the tag's ref, so the branch is only in the
 * environment the builder recorded — `github_base_ref` when set, else the triggering event's
 * payload: `base_ref` of a `push` (absent or null for a tag pushed without a branch, e.g. an
 * annotated tag on a detached commit) or `release.target_commitish` of a `release`. Any other
 * event names no branch.
 *
 * It is the same claim slsa-verifier accepts, and only ever used for tag builds; a branch build's
 * branch is its ref, which the certificate's source-ref extension confirms (expectations.ts).
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
