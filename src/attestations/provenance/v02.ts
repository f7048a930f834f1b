import { isRecord, recordAt, stringAt } from '../outcome.js';
import { normalizeSourceUri } from '../source-uri.js';
import type { StatementSubject } from '../statement.js';
import { branchOfTagBuild, workflowDispatchInputs } from './github-event.js';
import type { ProvenanceView, SourceClaim } from './view.js';

/**
 * SLSA v0.2: builder.id, buildType, invocation.configSource {uri, digest, entryPoint} (the trigger),
 * materials[0] (the source, for slsa-github-generator), environment.github_* and the event
 * payload's inputs for workflow_dispatch.
 */
export function readProvenanceV02(predicate: Readonly<Record<string, unknown>>, subjects: readonly StatementSubject[]): ProvenanceView | string {
  const builderId = stringAt(predicate, 'builder', 'id');
  const buildType = stringAt(predicate, 'buildType');
  if (!builderId) return 'predicate has no builder.id';
  if (!buildType) return 'predicate has no buildType';
  const sources: SourceClaim[] = [];
  const configUri = stringAt(predicate, 'invocation', 'configSource', 'uri');
  if (configUri) {
    const digest = recordAt(predicate, 'invocation', 'configSource', 'digest');
    sources.push({ field: 'invocation.configSource.uri', ...normalizeSourceUri(configUri), ...(digest ? { digest: strings(digest) } : {}) });
  }
  const materials = (Array.isArray(predicate['materials']) ? predicate['materials'] : []).filter(isRecord).map((m) => ({
    ...(typeof m['uri'] === 'string' ? { uri: m['uri'] } : {}),
    ...(isRecord(m['digest']) ? { digest: strings(m['digest']) } : {}),
  }));
  const first = materials[0];
  if (first?.uri && /^git\+/.test(first.uri)) {
    sources.push({ field: 'materials[0].uri', ...normalizeSourceUri(first.uri), ...(first.digest ? { digest: first.digest } : {}) });
  }
  const env = recordAt(predicate, 'invocation', 'environment');
  const ref = stringAt(env, 'github_ref') ?? sources.find((s) => s.ref)?.ref;
  const tagBranch = ref?.startsWith('refs/tags/') ? branchOfTagBuild(env) : undefined;
  const inputs = workflowDispatchInputs(env) ?? recordAt(env, 'github_event_payload', 'inputs') ?? recordAt(predicate, 'invocation', 'parameters', 'inputs') ?? {};
  const invocationId = stringAt(predicate, 'metadata', 'buildInvocationID') ?? stringAt(predicate, 'metadata', 'buildInvocationId');
  return {
    slsaVersion: '0.2',
    builderId,
    buildType,
    sources,
    ...(ref ? { ref } : {}),
    ...(tagBranch ? { tagBranch } : {}),
    workflowInputs: inputs,
    ...(invocationId ? { invocationId } : {}),
    materials,
    subjects,
  };
}

export function strings(obj: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(obj).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
