import type { Check, Signer } from '../evidence/index.js';
import type { ProvenanceView } from './provenance/index.js';
import { matchesVersionedTag, normalizeSourceUri, parseGitRef } from './source-uri.js';

/** slsa-verifier's expectations (the pipeline's ProvenanceExpectations, restated to keep this module free of pipeline imports). */
export interface SourceExpectations {
  readonly sourceUri?: string;
  readonly sourceBranch?: string;
  readonly sourceTag?: string;
  readonly sourceVersionedTag?: string;
  readonly workflowInputs: Readonly<Record<string, string>>;
}

interface Source {
  readonly repo?: string;
  readonly ref?: string;
}

/**
 * Every place that names the source must agree: the predicate's trigger and checked-out source,
 * and the certificate's source-repository extensions (which the CA wrote from the OIDC token, so
 * they are the signer's word, not the predicate's).
 */
export function checkSourceConsistency(view: ProvenanceView, signer: Signer): { check: Check; source: Source } {
  const id = 'provenance.source';
  const claims = [...view.sources.map((s) => ({ field: s.field, repo: s.repo, ref: s.ref }))];
  const certRepo = signer.extensions?.['sourceRepositoryUri'];
  const certRef = signer.extensions?.['sourceRepositoryRef'];
  if (certRepo) claims.push({ field: 'certificate sourceRepositoryUri', repo: normalizeSourceUri(certRepo).repo, ref: certRef });
  if (claims.length === 0) {
    return { check: { id, status: 'skipped', code: 'SOURCE_NOT_STATED', message: 'the provenance names no source repository' }, source: {} };
  }
  const first = claims[0];
  const repoConflict = claims.find((c) => c.repo !== first?.repo);
  if (repoConflict && first) {
    return {
      check: { id, status: 'fail', code: 'SOURCE_INCONSISTENT', message: `${first.field} and ${repoConflict.field} name different repositories`, expected: first.repo, found: repoConflict.repo },
      source: {},
    };
  }
  const refs = [...new Set(claims.map((c) => c.ref).filter((r): r is string => r !== undefined))];
  const ref = view.ref ?? refs[0];
  if (refs.length > 1) {
    return {
      check: { id, status: 'fail', code: 'SOURCE_REF_INCONSISTENT', message: 'the provenance names different refs for its source', expected: refs[0], found: refs.slice(1).join(', ') },
      source: {},
    };
  }
  return {
    check: { id, status: 'pass', code: 'SOURCE_CONSISTENT', message: `source ${first?.repo}${ref ? ` at ${ref}` : ''}` },
    source: { ...(first ? { repo: first.repo } : {}), ...(ref ? { ref } : {}) },
  };
}

/** One check per expectation given; none when the user gave none. */
export function checkSourceExpectations(view: ProvenanceView, source: Source, expected: SourceExpectations): Check[] {
  const checks: Check[] = [];
  if (expected.sourceUri !== undefined) {
    const want = normalizeSourceUri(expected.sourceUri).repo;
    checks.push(
      source.repo === want
        ? { id: 'provenance.expect.source-uri', status: 'pass', code: 'SOURCE_URI_MATCHED', message: `built from ${want}` }
        : { id: 'provenance.expect.source-uri', status: 'fail', code: 'SOURCE_URI_MISMATCH', message: 'built from another source repository', expected: want, found: source.repo ?? '(none stated)' },
    );
  }
  const ref = source.ref === undefined ? undefined : parseGitRef(source.ref);
  const found = source.ref ?? '(no ref stated)';
  if (expected.sourceBranch !== undefined) {
    const branch = expected.sourceBranch.replace(/^refs\/heads\//, '');
    // A build from a tag is on the branch its triggering event names, as slsa-verifier reads it.
    const okBranch = (ref?.kind === 'branch' && ref.name === branch) || (ref?.kind === 'tag' && view.tagBranch === `refs/heads/${branch}`);
    checks.push(
      okBranch
        ? { id: 'provenance.expect.branch', status: 'pass', code: 'SOURCE_BRANCH_MATCHED', message: `built from branch ${expected.sourceBranch}` }
        : { id: 'provenance.expect.branch', status: 'fail', code: 'SOURCE_BRANCH_MISMATCH', message: 'built from another branch or ref', expected: `refs/heads/${branch}`, found: view.tagBranch ? `${found} (on ${view.tagBranch})` : found },
    );
  }
  if (expected.sourceTag !== undefined) {
    const okTag = ref?.kind === 'tag' && ref.name === expected.sourceTag.replace(/^refs\/tags\//, '');
    checks.push(
      okTag
        ? { id: 'provenance.expect.tag', status: 'pass', code: 'SOURCE_TAG_MATCHED', message: `built from tag ${expected.sourceTag}` }
        : { id: 'provenance.expect.tag', status: 'fail', code: 'SOURCE_TAG_MISMATCH', message: 'built from another tag or ref', expected: `refs/tags/${expected.sourceTag.replace(/^refs\/tags\//, '')}`, found },
    );
  }
  if (expected.sourceVersionedTag !== undefined) {
    const okVersion = ref?.kind === 'tag' && matchesVersionedTag(ref.name, expected.sourceVersionedTag);
    checks.push(
      okVersion
        ? { id: 'provenance.expect.versioned-tag', status: 'pass', code: 'SOURCE_VERSIONED_TAG_MATCHED', message: `tag ${ref?.name} satisfies ${expected.sourceVersionedTag}` }
        : { id: 'provenance.expect.versioned-tag', status: 'fail', code: 'SOURCE_VERSIONED_TAG_MISMATCH', message: `not built from a tag of version ${expected.sourceVersionedTag}`, expected: expected.sourceVersionedTag, found },
    );
  }
  const wanted = Object.entries(expected.workflowInputs);
  if (wanted.length > 0) {
    const wrong = wanted.filter(([k, v]) => stringify(view.workflowInputs[k]) !== v);
    checks.push(
      wrong.length === 0
        ? { id: 'provenance.expect.workflow-inputs', status: 'pass', code: 'WORKFLOW_INPUTS_MATCHED', message: `workflow inputs ${wanted.map(([k]) => k).join(', ')} match` }
        : {
            id: 'provenance.expect.workflow-inputs',
            status: 'fail',
            code: 'WORKFLOW_INPUTS_MISMATCH',
            message: 'the build had other workflow inputs',
            expected: wrong.map(([k, v]) => `${k}=${v}`).join(', '),
            found: wrong.map(([k]) => `${k}=${stringify(view.workflowInputs[k]) ?? '(absent)'}`).join(', '),
          },
    );
  }
  return checks;
}

function stringify(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
