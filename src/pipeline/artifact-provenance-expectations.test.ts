import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noopLogger } from '../context.js';
import type { Evidence } from '../evidence/index.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { collectArtifactEvidence } from './artifact.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ProvenanceExpectations } from './options.js';

// slsa-verifier's expectation semantics (main_regression_test.go) on the real provenance it tests with.
const T = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/';
const EXAMPLE = 'github.com/slsa-framework/example-package';
const GEN = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/';
const ctx = { now: new Date('2026-11-01T00:00:00Z'), log: noopLogger };

async function collect(artifact: string, attestation: string, provenance: Partial<ProvenanceExpectations>): Promise<Evidence> {
  return collectArtifactEvidence(
    {
      target: realdata(artifact),
      attestations: [realdata(attestation)],
      sigstore: { expected: {}, insecureIgnoreTlog: false },
      provenance: { workflowInputs: {}, ...provenance },
      limits: DEFAULT_LIMITS,
    },
    ctx,
  );
}

const failed = (e: Evidence) => e.checks.filter((c) => c.status === 'fail').map((c) => c.code);
const generic = (name: string) => [`${T}gha_generic/v2.1.0/${name}`, `${T}gha_generic/v2.1.0/${name}.intoto.jsonl`] as const;
const containerBased = (name: string) => [`${T}gha_container-based/v2.0.0/${name}`, `${T}gha_container-based/v2.0.0/${name}.intoto.build.slsa`] as const;

describe('--builder-id with a ref (slsa-verifier MatchesLoose, allowRef)', () => {
  const [artifact, attestation] = generic('binary-linux-amd64-workflow_dispatch');
  const builder = `${GEN}generator_generic_slsa3.yml`;
  for (const [ref, fails] of [['@v2.1.0', false], ['@refs/tags/v2.1.0', false], ['@v2.1.1', true], ['@refs/tags/v2.1', true], ['@v2', true], ['@refs/heads/v2.1.0', true]] as const) {
    test(`${ref} ${fails ? 'does not name' : 'names'} the certificate's refs/tags/v2.1.0`, needsRealdata(), async () => {
      const e = await collect(artifact, attestation, { sourceUri: EXAMPLE, builderId: `${builder}${ref}` });
      assert.deepEqual(failed(e), fails ? ['BUILDER_ID_MISMATCH'] : []);
    });
  }
});

describe('--source-versioned-tag reads the built tag as canonical semver', () => {
  const [artifact, attestation] = containerBased('binary-linux-amd64-push-v14');
  for (const [want, fails] of [['v14', false], ['v14.0', false], ['v14.0.0', false], ['v14.1', true], ['v13', true]] as const) {
    test(`tag v14 ${fails ? 'does not satisfy' : 'satisfies'} ${want}`, needsRealdata(), async () => {
      const e = await collect(artifact, attestation, { sourceUri: EXAMPLE, sourceVersionedTag: want });
      assert.deepEqual(failed(e), fails ? ['SOURCE_VERSIONED_TAG_MISMATCH'] : []);
    });
  }
});

describe('--source-branch of a build from a tag is the branch its push names', () => {
  for (const [label, [artifact, attestation]] of [['SLSA v0.2 (environment)', generic('binary-linux-amd64-push-v14.2')], ['SLSA v1 (internalParameters)', containerBased('binary-linux-amd64-push-v14.2')]] as const) {
    test(`${label}: tag v14.2 pushed on main is on main, with or without --source-tag`, needsRealdata(), async () => {
      assert.deepEqual(failed(await collect(artifact, attestation, { sourceUri: EXAMPLE, sourceBranch: 'main' })), []);
      assert.deepEqual(failed(await collect(artifact, attestation, { sourceUri: EXAMPLE, sourceBranch: 'main', sourceTag: 'v14.2' })), []);
    });
    test(`${label}: but not on master`, needsRealdata(), async () => {
      const e = await collect(artifact, attestation, { sourceUri: EXAMPLE, sourceBranch: 'master', sourceTag: 'v14.2' });
      assert.deepEqual(failed(e), ['SOURCE_BRANCH_MISMATCH']);
      assert.match(e.checks.find((c) => c.code === 'SOURCE_BRANCH_MISMATCH')?.found ?? '', /refs\/tags\/v14\.2 \(on refs\/heads\/main\)/);
    });
  }
});

describe('npm attestation documents need --builder-id (slsa-verifier verify-npm-package)', () => {
  const pkg = `${T}npm/gha/provenance-npm-test-ossf.tgz`;
  const source = 'github.com/laurentsimon/provenance-npm-test';
  test('slsa-github-generator Node.js builder named: passes', needsRealdata(), async () => {
    assert.deepEqual(failed(await collect(pkg, `${pkg}.json`, { sourceUri: source, builderId: `${GEN}builder_nodejs_slsa3.yml` })), []);
    assert.deepEqual(failed(await collect(pkg, `${pkg}.json`, { sourceUri: source, builderId: `${GEN}builder_nodejs_slsa3.yml@v1.6.0` })), []);
  });
  test('no --builder-id: fails although the Node.js builder is a default trusted builder elsewhere', needsRealdata(), async () => {
    const e = await collect(pkg, `${pkg}.json`, { sourceUri: source });
    assert.deepEqual(failed(e), ['BUILDER_UNTRUSTED']);
    assert.match(e.checks.find((c) => c.code === 'BUILDER_UNTRUSTED')?.message ?? '', /npm provenance/);
  });
});

describe('--build-workflow-input is the workflow_dispatch event\'s input, not a delegated builder\'s own', () => {
  const dir = `${T}gha_delegator/v2.1.0/`;
  const builderId = 'https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml';
  test('the builder input content=hello is no workflow input (the dispatch had none)', needsRealdata(), async () => {
    const e = await collect(`${dir}binary-linux-amd64-workflow_dispatch`, `${dir}binary-linux-amd64-workflow_dispatch.build.slsa`, { sourceUri: EXAMPLE, builderId, workflowInputs: { content: 'hello' } });
    assert.deepEqual(failed(e), ['WORKFLOW_INPUTS_MISMATCH']);
    assert.deepEqual(e.provenance[0]?.workflowInputs, {});
  });
});
