import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Signer } from '../evidence/index.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { GITHUB_ISSUER, evaluateProvenance, parseDsseEnvelope, parseStatement, readAttestationFile } from './index.js';
import type { ProvenanceExpectationsInput, Statement } from './index.js';

const T = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/';
const GEN = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/';
const EXAMPLE = 'github.com/slsa-framework/example-package';

function statementOf(path: string): Statement {
  const entries = readAttestationFile(readFileSync(realdata(path), 'utf8'));
  assert.ok(entries.ok, 'attestation file reads');
  const entry = entries.value[0];
  assert.ok(entry && entry.kind !== 'gcloud');
  const envelope = parseDsseEnvelope(entry.kind === 'bundle' ? entry.bundle['dsseEnvelope'] : entry.envelope);
  assert.ok(envelope.ok, 'envelope parses');
  const statement = parseStatement(envelope.value.payloadType, envelope.value.payload);
  assert.ok(statement.ok, 'statement parses');
  return statement.value;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(realdata(path))).digest('hex');

function github(workflow: string, repo: string, ref: string): Signer {
  return { identity: workflow, issuer: GITHUB_ISSUER, extensions: { sourceRepositoryUri: `https://${repo}`, sourceRepositoryRef: ref } };
}

interface Case {
  readonly name: string;
  readonly artifact: string;
  readonly attestation: string;
  readonly signer: Signer;
  readonly expected: ProvenanceExpectationsInput;
  /** undefined: every check passes; else the code of the check that must fail. */
  readonly failCode?: string;
}

const genericSigner = github(`${GEN}generator_generic_slsa3.yml@refs/tags/v2.1.0`, EXAMPLE, 'refs/heads/main');
const generic = (over: Partial<Case>): Case => ({
  name: '',
  artifact: `${T}gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch`,
  attestation: `${T}gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl`,
  signer: genericSigner,
  expected: { sourceUri: EXAMPLE, builderId: `${GEN}generator_generic_slsa3.yml`, workflowInputs: {} },
  ...over,
});
const tagSigner = github(`${GEN}generator_generic_slsa3.yml@refs/tags/v2.1.0`, EXAMPLE, 'refs/tags/v14.2');
const tagged = (expected: Partial<ProvenanceExpectationsInput>, failCode?: string): Partial<Case> => ({
  artifact: `${T}gha_generic/v2.1.0/binary-linux-amd64-push-v14.2`,
  attestation: `${T}gha_generic/v2.1.0/binary-linux-amd64-push-v14.2.intoto.jsonl`,
  signer: tagSigner,
  expected: { sourceUri: EXAMPLE, builderId: `${GEN}generator_generic_slsa3.yml`, workflowInputs: {}, ...expected },
  ...(failCode ? { failCode } : {}),
});

const CASES: Case[] = [
  generic({ name: 'generic v0.2 provenance, workflow_dispatch on main' }),
  generic({ name: 'generic: branch main', expected: { sourceUri: EXAMPLE, sourceBranch: 'main', builderId: `${GEN}generator_generic_slsa3.yml`, workflowInputs: {} } }),
  generic({ name: 'generic: wrong branch', expected: { sourceUri: EXAMPLE, sourceBranch: 'master', workflowInputs: {} }, failCode: 'SOURCE_BRANCH_MISMATCH' }),
  generic({ name: 'generic: wrong repository', expected: { sourceUri: `${EXAMPLE}A`, workflowInputs: {} }, failCode: 'SOURCE_URI_MISMATCH' }),
  generic({ name: 'generic: wrong owner', expected: { sourceUri: 'github.com/Aslsa-framework/example-package', workflowInputs: {} }, failCode: 'SOURCE_URI_MISMATCH' }),
  generic({ name: 'generic: wrong builder', expected: { sourceUri: EXAMPLE, builderId: `${GEN}generator_container_slsa3.yml`, workflowInputs: {} }, failCode: 'BUILDER_ID_MISMATCH' }),
  generic({ name: 'generic: builder with the exact ref', expected: { sourceUri: EXAMPLE, builderId: `${GEN}generator_generic_slsa3.yml@refs/tags/v2.1.0`, workflowInputs: {} } }),
  generic({ name: 'generic: builder with another ref', expected: { sourceUri: EXAMPLE, builderId: `${GEN}generator_generic_slsa3.yml@refs/tags/v2.0.0`, workflowInputs: {} }, failCode: 'BUILDER_ID_MISMATCH' }),
  generic({ name: 'generic: no builder id, trusted default builder', expected: { sourceUri: EXAMPLE, workflowInputs: {} } }),
  generic({ name: 'generic: provenance for another artifact', artifact: `${T}gha_container-based/v1.7.0/binary-linux-amd64-workflow_dispatch`, failCode: 'SUBJECT_DIGEST_MISMATCH' }),
  generic({ name: 'generic: signed by a workflow other than the claimed builder', signer: github(`${GEN}generator_container_slsa3.yml@refs/tags/v2.1.0`, EXAMPLE, 'refs/heads/main'), failCode: 'BUILDER_IDENTITY_MISMATCH' }),
  generic({ name: 'generic: certificate names another source repository', signer: github(`${GEN}generator_generic_slsa3.yml@refs/tags/v2.1.0`, 'github.com/evil/example-package', 'refs/heads/main'), failCode: 'SOURCE_INCONSISTENT' }),
  { ...generic({}), ...tagged({ sourceTag: 'v14.2' }), name: 'generic: tag v14.2' },
  { ...generic({}), ...tagged({ sourceVersionedTag: 'v14' }), name: 'generic: versioned tag v14' },
  { ...generic({}), ...tagged({ sourceVersionedTag: 'v14.2.1' }, 'SOURCE_VERSIONED_TAG_MISMATCH'), name: 'generic: versioned tag v14.2.1 is not v14.2' },
  { ...generic({}), ...tagged({ sourceVersionedTag: 'v15' }, 'SOURCE_VERSIONED_TAG_MISMATCH'), name: 'generic: versioned tag v15' },
  { ...generic({}), ...tagged({ sourceTag: 'v14.1' }, 'SOURCE_TAG_MISMATCH'), name: 'generic: wrong tag v14.1' },
  // A tag build is on the branch its push names (slsa-verifier GetBranch): v14.2 was pushed on main.
  { ...generic({}), ...tagged({ sourceBranch: 'main' }), name: 'generic: branch main, built from a tag pushed on main' },
  { ...generic({}), ...tagged({ sourceBranch: 'master' }, 'SOURCE_BRANCH_MISMATCH'), name: 'generic: branch master, built from a tag pushed on main' },
  {
    name: 'container-based v1 provenance (bundle v0.1)',
    artifact: `${T}gha_container-based/v1.7.0/binary-linux-amd64-workflow_dispatch`,
    attestation: `${T}gha_container-based/v1.7.0/binary-linux-amd64-workflow_dispatch.intoto.sigstore`,
    signer: github(`${GEN}builder_container-based_slsa3.yml@refs/tags/v1.7.0`, EXAMPLE, 'refs/heads/main'),
    expected: { sourceUri: EXAMPLE, sourceBranch: 'main', builderId: `${GEN}builder_container-based_slsa3.yml`, workflowInputs: {} },
  },
  {
    name: 'delegated builder (example-trw) signed by the delegator',
    artifact: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch`,
    attestation: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa`,
    signer: github(`${GEN}delegator_generic_slsa3.yml@refs/tags/v2.1.0`, EXAMPLE, 'refs/heads/main'),
    expected: { sourceUri: EXAMPLE, sourceBranch: 'main', builderId: 'https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml', workflowInputs: {} },
  },
  {
    name: 'delegated builder needs --builder-id',
    artifact: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch`,
    attestation: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa`,
    signer: github(`${GEN}delegator_generic_slsa3.yml@refs/tags/v2.1.0`, EXAMPLE, 'refs/heads/main'),
    expected: { sourceUri: EXAMPLE, workflowInputs: {} },
    failCode: 'BUILDER_UNTRUSTED',
  },
  {
    name: 'GitHub attestation for a Bazel module',
    artifact: `${T}bcr/MODULE.bazel`,
    attestation: `${T}bcr/MODULE.bazel.intoto.jsonl`,
    signer: github('https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1', 'github.com/aspect-build/rules_lint', 'refs/heads/publish-to-bcr'),
    expected: { sourceUri: 'github.com/aspect-build/rules_lint', builderId: 'https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml', workflowInputs: {} },
  },
  {
    name: 'GitHub attestation without --builder-id',
    artifact: `${T}bcr/MODULE.bazel`,
    attestation: `${T}bcr/MODULE.bazel.intoto.jsonl`,
    signer: github('https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1', 'github.com/aspect-build/rules_lint', 'refs/heads/publish-to-bcr'),
    expected: { sourceUri: 'github.com/aspect-build/rules_lint', workflowInputs: {} },
    failCode: 'BUILDER_UNTRUSTED',
  },
  {
    name: 'GitHub attestation without --builder-id, the builder named by --certificate-identity-regexp',
    artifact: `${T}bcr/MODULE.bazel`,
    attestation: `${T}bcr/MODULE.bazel.intoto.jsonl`,
    signer: github('https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1', 'github.com/aspect-build/rules_lint', 'refs/heads/publish-to-bcr'),
    expected: { sourceUri: 'github.com/aspect-build/rules_lint', workflowInputs: {}, namedSigner: { identityRegexp: 'https://github\\.com/bazel-contrib/publish-to-bcr/.*' } },
  },
  {
    name: 'a named identity that is another workflow does not trust the builder',
    artifact: `${T}bcr/MODULE.bazel`,
    attestation: `${T}bcr/MODULE.bazel.intoto.jsonl`,
    signer: github('https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1', 'github.com/aspect-build/rules_lint', 'refs/heads/publish-to-bcr'),
    expected: { sourceUri: 'github.com/aspect-build/rules_lint', workflowInputs: {}, namedSigner: { identity: 'https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml' } },
    failCode: 'BUILDER_UNTRUSTED',
  },
  {
    name: 'naming the delegator as signer does not trust the delegated builder',
    artifact: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch`,
    attestation: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa`,
    signer: github(`${GEN}delegator_generic_slsa3.yml@refs/tags/v2.1.0`, EXAMPLE, 'refs/heads/main'),
    expected: { sourceUri: EXAMPLE, workflowInputs: {}, namedSigner: { identity: `${GEN}delegator_generic_slsa3.yml@refs/tags/v2.1.0` } },
    failCode: 'BUILDER_UNTRUSTED',
  },
];

describe('evaluateProvenance on real slsa-verifier provenance', () => {
  for (const c of CASES) {
    test(c.name, needsRealdata(), () => {
      const result = evaluateProvenance({
        statement: statementOf(c.attestation),
        artifactDigest: { sha256: sha256(c.artifact) },
        signer: c.signer,
        signatureVerified: true,
        expected: c.expected,
        source: c.attestation,
      });
      const failed = result.checks.filter((k) => k.status === 'fail');
      if (c.failCode === undefined) {
        assert.deepEqual(failed, [], 'every check passes');
        assert.equal(result.evidence?.verified, true);
      } else {
        assert.ok(failed.some((k) => k.code === c.failCode), `expected ${c.failCode}, got ${failed.map((k) => k.code).join(', ') || 'no failure'}`);
        assert.equal(result.evidence?.verified, false);
      }
    });
  }

  test('an unverified signature never yields verified provenance', needsRealdata(), () => {
    const c = generic({});
    const result = evaluateProvenance({
      statement: statementOf(c.attestation),
      artifactDigest: { sha256: sha256(c.artifact) },
      signer: c.signer,
      signatureVerified: false,
      expected: c.expected,
      source: 'x',
    });
    assert.equal(result.evidence?.verified, false);
  });
});
