import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonOf, runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

/**
 * `vouch artifact sha256:… --attestation gcloud.json` as a Cloud Build user types it, with a signer
 * named: the --key (one of GCB's key files) or an identity flag must hold, never be ignored.
 */
const DATA = 'slsa-framework-slsa-verifier';
const DOC = realdata(`${DATA}/cli/slsa-verifier/testdata/gcb_container/v0.3/gcloud-container-github.json`);
const KEYS = `${DATA}/verifiers/internal/gcb/keys/materials`;
const BASE = ['artifact', 'sha256:f472ca4b68898c951ac3b476cba919d0d56fca4ced631fabcead51e4b2b690e7', '--attestation', DOC, '--source-uri', 'github.com/laurentsimon/gcb-tests', '--builder-id', 'https://cloudbuild.googleapis.com/GoogleHostedWorker', '--format', 'json'];

const failedCodes = (r: Awaited<ReturnType<typeof runCli>>): string[] =>
  ((jsonOf(r) as { evidence: { checks: { status: string; code: string }[] } }).evidence.checks).filter((c) => c.status === 'fail').map((c) => c.code);

test('vouch artifact, GCB provenance: --key of the GCB key that signed passes', { ...needsRealdata(), timeout: 60_000 }, async () => {
  const r = await runCli([...BASE, '--key', realdata(`${KEYS}/us-west2.key`)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((jsonOf(r) as { verdict: string }).verdict, 'pass');
});

test('vouch artifact, GCB provenance: --key of another key fails (exit 1, GCB_SIGNER_MISMATCH)', { ...needsRealdata(), timeout: 60_000 }, async () => {
  const r = await runCli([...BASE, '--key', realdata(`${KEYS}/us-east1.key`)]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(failedCodes(r).includes('GCB_SIGNER_MISMATCH'));
});

test('vouch artifact, GCB provenance: an identity flag cannot hold for a KMS key (exit 1)', { ...needsRealdata(), timeout: 60_000 }, async () => {
  const r = await runCli([...BASE, '--certificate-identity', 'https://github.com/laurentsimon/gcb-tests', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com']);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(failedCodes(r).includes('GCB_SIGNER_MISMATCH'));
});
