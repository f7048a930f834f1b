import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { branchOfTagBuild, workflowDispatchInputs } from './provenance/github-event.js';

describe('branchOfTagBuild (slsa-verifier GetBranch for tags)', () => {
  const push = (baseRef: unknown) => ({ github_event_name: 'push', github_base_ref: '', github_event_payload: { base_ref: baseRef } });
  test('a push names its branch in the payload base_ref', () => assert.equal(branchOfTagBuild(push('refs/heads/main')), 'refs/heads/main'));
  test('upper-case keys (SLSA v1 internalParameters)', () =>
    assert.equal(branchOfTagBuild({ GITHUB_EVENT_NAME: 'push', GITHUB_BASE_REF: '', GITHUB_EVENT_PAYLOAD: { base_ref: 'refs/heads/dev' } }), 'refs/heads/dev'));
  test('github_base_ref wins when set', () => assert.equal(branchOfTagBuild({ ...push('refs/heads/main'), github_base_ref: 'refs/heads/rel' }), 'refs/heads/rel'));
  test('a tag pushed without a branch (base_ref null) names none', () => assert.equal(branchOfTagBuild(push(null)), undefined));
  test('a release names target_commitish', () =>
    assert.equal(branchOfTagBuild({ github_event_name: 'release', github_event_payload: { release: { target_commitish: 'main' } } }), 'refs/heads/main'));
  test('other events name none', () => assert.equal(branchOfTagBuild({ github_event_name: 'workflow_dispatch', github_event_payload: { base_ref: 'refs/heads/main' } }), undefined));
  test('hostile shapes name none and never throw', () => {
    for (const env of [undefined, {}, { github_event_name: 'push' }, { github_event_name: 'push', github_event_payload: 'x' }, { github_event_name: 'push', github_event_payload: [] },
      push(42), push('main'), push({ toString: 'refs/heads/main' }), { github_event_name: 'release', github_event_payload: { release: [] } },
      { github_event_name: 'release', github_event_payload: { release: { target_commitish: '' } } }, { github_base_ref: 7, github_event_name: ['push'] }]) {
      assert.equal(branchOfTagBuild(env as Record<string, unknown> | undefined), undefined, JSON.stringify(env));
    }
  });
  test('an inherited key is not a field', () => {
    const env = Object.create({ github_base_ref: 'refs/heads/main' }) as Record<string, unknown>;
    assert.equal(branchOfTagBuild(env), undefined);
  });
});

describe('workflowDispatchInputs (slsa-verifier GetWorkflowInputs)', () => {
  test('the workflow_dispatch payload inputs', () =>
    assert.deepEqual(workflowDispatchInputs({ github_event_name: 'workflow_dispatch', github_event_payload: { inputs: { a: '1' } } }), { a: '1' }));
  test('upper-case keys (SLSA v1 internalParameters)', () =>
    assert.deepEqual(workflowDispatchInputs({ GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_EVENT_PAYLOAD: { inputs: { b: true } } }), { b: true }));
  test('any other event has no inputs, whatever its payload says', () =>
    assert.deepEqual(workflowDispatchInputs({ github_event_name: 'push', github_event_payload: { inputs: { a: '1' } } }), {}));
  test('null or malformed inputs are none', () => {
    for (const inputs of [null, 'a=1', ['a'], 5]) assert.deepEqual(workflowDispatchInputs({ github_event_name: 'workflow_dispatch', github_event_payload: { inputs } }), {});
  });
  test('no event named: undefined, the provenance is not a GitHub builder\'s', () => {
    assert.equal(workflowDispatchInputs(undefined), undefined);
    assert.equal(workflowDispatchInputs({ github: { event_name: 'workflow_dispatch' } }), undefined);
  });
});
