import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noopLogger } from '../context.js';
import type { Evidence } from '../evidence/index.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { collectArtifactEvidence } from './artifact.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ProvenanceExpectations } from './options.js';

const T = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/';
const EXAMPLE = 'github.com/slsa-framework/example-package';
const ctx = { now: new Date('2026-11-01T00:00:00Z'), log: noopLogger };

async function collect(artifact: string, attestations: string[], provenance: Partial<ProvenanceExpectations>): Promise<Evidence> {
  return collectArtifactEvidence(
    {
      target: realdata(artifact),
      attestations: attestations.map(realdata),
      sigstore: { expected: {}, insecureIgnoreTlog: false },
      provenance: { workflowInputs: {}, ...provenance },
      limits: DEFAULT_LIMITS,
    },
    ctx,
  );
}

const failed = (e: Evidence) => e.checks.filter((c) => c.status === 'fail').map((c) => c.code);

describe('vouch artifact --attestation (in-process, real provenance)', () => {
  test('generic generator provenance: every check passes and the provenance is verified', needsRealdata(), async () => {
    const e = await collect(`${T}gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch`, [`${T}gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl`], { sourceUri: EXAMPLE, sourceBranch: 'main' });
    assert.deepEqual(failed(e), []);
    assert.equal(e.provenance.length, 1);
    assert.equal(e.provenance[0]?.verified, true);
    assert.equal(e.provenance[0]?.source.uri, EXAMPLE);
    assert.equal(e.expectations['provenance'], true);
    assert.ok(e.checks.some((c) => c.id === 'provenance.signature' && c.status === 'pass'));
  });

  test('a bare DSSE envelope with an inline certificate has no log proof: it fails offline', needsRealdata(), async () => {
    const e = await collect(`${T}binary-linux-amd64-expired-cert`, [`${T}binary-linux-amd64-expired-cert.intoto.jsonl`], { sourceUri: 'github.com/asraa/slsa-on-github-test' });
    assert.ok(failed(e).includes('PROVENANCE_NO_LOG_PROOF'));
    assert.equal(e.provenance.every((p) => !p.verified), true);
  });

  test('npm: a publish attestation that does not verify fails the run even when the provenance verifies', needsRealdata(), async () => {
    const pkg = `${T}npm/gha/provenance-npm-test-cli-v02-prega-invalidsigpub.tgz`;
    const e = await collect(pkg, [`${pkg}.json`], { sourceUri: 'github.com/laurentsimon/provenance-npm-test', builderId: 'https://github.com/actions/runner/github-hosted' });
    assert.ok(failed(e).includes('ATTESTATION_SIGNATURE_INVALID'));
  });

  test('npm: publish attestation verified with the registry key from the embedded seeds', needsRealdata(), async () => {
    const pkg = `${T}npm/gha/provenance-npm-test-cli-v02-prega.tgz`;
    const e = await collect(pkg, [`${pkg}.json`], { sourceUri: 'github.com/laurentsimon/provenance-npm-test', builderId: 'https://github.com/actions/runner/github-hosted' });
    assert.deepEqual(failed(e), []);
    assert.ok(e.attestations.some((a) => a.predicateType.includes('npm/attestation') && a.verified));
  });

  test('expectations without an attestation fail instead of passing silently', needsRealdata(), async () => {
    const e = await collect(`${T}bcr/MODULE.bazel`, [], { sourceUri: EXAMPLE });
    assert.deepEqual(failed(e), ['PROVENANCE_MISSING']);
  });
});
