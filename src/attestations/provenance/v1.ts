import { isRecord, listAt, recordAt, stringAt } from '../outcome.js';
import { githubRepository, normalizeSourceUri } from '../source-uri.js';
import type { StatementSubject } from '../statement.js';
import { branchOfTagBuild, workflowDispatchInputs } from './github-event.js';
import { strings } from './v02.js';
import type { ProvenanceView, SourceClaim } from './view.js';

/**
 * SLSA v1: runDetails.builder.id, buildDefinition.buildType, and the source wherever the build type
 * puts it: externalParameters.workflow {repository, ref} (GitHub Actions build types),
 * externalParameters.source.uri (container-based builder), internalParameters.GITHUB_REPOSITORY
 * and GITHUB_REF (delegated builders), and resolvedDependencies[0] (the checked-out source).
 */
export function readProvenanceV1(predicate: Readonly<Record<string, unknown>>, subjects: readonly StatementSubject[]): ProvenanceView | string {
  const builderId = stringAt(predicate, 'runDetails', 'builder', 'id');
  const buildType = stringAt(predicate, 'buildDefinition', 'buildType');
  if (!builderId) return 'predicate has no runDetails.builder.id';
  if (!buildType) return 'predicate has no buildDefinition.buildType';
  const ext = recordAt(predicate, 'buildDefinition', 'externalParameters') ?? {};
  const internal = recordAt(predicate, 'buildDefinition', 'internalParameters') ?? {};
  const deps = listAt(predicate, 'buildDefinition', 'resolvedDependencies').filter(isRecord);
  const sources: SourceClaim[] = [];
  const workflowRepo = stringAt(ext, 'workflow', 'repository');
  const workflowRef = stringAt(ext, 'workflow', 'ref');
  if (workflowRepo) sources.push({ field: 'externalParameters.workflow.repository', repo: normalizeSourceUri(workflowRepo).repo, ...(workflowRef ? { ref: workflowRef } : {}) });
  const sourceUri = stringAt(ext, 'source', 'uri');
  if (sourceUri) {
    const digest = recordAt(ext, 'source', 'digest');
    sources.push({ field: 'externalParameters.source.uri', ...normalizeSourceUri(sourceUri), ...(digest ? { digest: strings(digest) } : {}) });
  }
  const ghRepo = stringAt(internal, 'GITHUB_REPOSITORY');
  const ghRef = stringAt(internal, 'GITHUB_REF');
  if (ghRepo) sources.push({ field: 'internalParameters.GITHUB_REPOSITORY', repo: githubRepository(ghRepo), ...(ghRef ? { ref: ghRef } : {}) });
  const firstDep = deps[0];
  const depUri = stringAt(firstDep, 'uri');
  if (depUri && /^git\+/.test(depUri)) {
    const digest = recordAt(firstDep, 'digest');
    sources.push({ field: 'resolvedDependencies[0].uri', ...normalizeSourceUri(depUri), ...(digest ? { digest: strings(digest) } : {}) });
  }
  const ref = workflowRef ?? ghRef ?? sources.find((s) => s.ref)?.ref;
  const tagBranch = ref?.startsWith('refs/tags/') ? branchOfTagBuild(internal) : undefined;
  const inputs = workflowDispatchInputs(internal) ?? recordAt(ext, 'inputs') ?? recordAt(ext, 'workflow', 'inputs') ?? {};
  const invocationId = stringAt(predicate, 'runDetails', 'metadata', 'invocationId');
  return {
    slsaVersion: '1.0',
    builderId,
    buildType,
    sources,
    ...(ref ? { ref } : {}),
    ...(tagBranch ? { tagBranch } : {}),
    workflowInputs: inputs,
    ...(invocationId ? { invocationId } : {}),
    materials: deps.map((d) => ({
      ...(typeof d['uri'] === 'string' ? { uri: d['uri'] } : {}),
      ...(isRecord(d['digest']) ? { digest: strings(d['digest']) } : {}),
    })),
    subjects,
  };
}
