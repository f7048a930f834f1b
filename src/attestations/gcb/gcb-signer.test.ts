import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { GCB_BUILDER, gcbAcceptedSigner, parseGcloudDocument, verifyGcloudDocument } from './index.js';
import type { GcbAcceptedSigner } from './index.js';

/**
 * A signer the user names (--key, or an identity flag) narrows which of GCB's keys count, as it
 * does for every other attestation. The keys are slsa-verifier's copies of GCB's public keys, read
 * as a user would pass them.
 */
const DATA = 'slsa-framework-slsa-verifier';
const KEYS = `${DATA}/verifiers/internal/gcb/keys/materials`;
const CLI = `${DATA}/cli/slsa-verifier/testdata/gcb_container`;
const UNIT = `${DATA}/verifiers/internal/gcb/testdata`;

const keyFile = (name: string) => ({ name: `${name}.key`, publicKey: createPublicKey(readFileSync(realdata(`${KEYS}/${name}.key`), 'utf8')) });

function run(path: string, accepted: GcbAcceptedSigner, sourceUri: string): { codes: string[]; message: string } {
  const doc = parseGcloudDocument(JSON.parse(readFileSync(realdata(path), 'utf8')));
  assert.ok(doc.ok);
  const sha256 = (doc.value.summary.digest ?? '').replace(/^sha256:/, '');
  const r = verifyGcloudDocument(doc.value, sha256, { builderId: GCB_BUILDER, sourceUri, workflowInputs: {} }, path, accepted);
  assert.equal(r.provenance?.verified === true, r.checks.every((c) => c.status !== 'fail'), 'verified iff no check failed');
  return { codes: r.checks.filter((c) => c.status === 'fail').map((c) => c.code), message: r.checks[0]?.message ?? '' };
}

// Each document with the key that signed it, and one that did not.
const SIGNED: readonly [string, string, string, string][] = [
  [`${CLI}/v0.2/gcloud-container-github.json`, 'global', 'us-west2', 'github.com/laurentsimon/gcb-tests'],
  [`${CLI}/v0.3/gcloud-container-github.json`, 'us-west2', 'global', 'github.com/laurentsimon/gcb-tests'],
  [`${UNIT}/gcloud-container-global-pae-signing-key-successful.json`, 'global-pae-provenanceSigner_1', 'global-pae-google-hosted-worker_1', 'github.com/khalkie/gcb-repo-staging'],
  [`${UNIT}/v1.0-gcloud-container-github-single.json`, 'global-pae-google-hosted-worker_1', 'global-pae-provenanceSigner_1', 'https://github.com/khalkie/gcb-prod-prov'],
];

describe('GCB provenance and a named signer', needsRealdata(), () => {
  test('no signer named: any of GCB\'s embedded keys counts', () => {
    for (const [path, , , source] of SIGNED) assert.deepEqual(run(path, gcbAcceptedSigner(undefined, false), source).codes, [], path);
  });

  test('--key of the GCB key that signed: passes, and the check says so', () => {
    for (const [path, signer, , source] of SIGNED) {
      const r = run(path, gcbAcceptedSigner(keyFile(signer), false), source);
      assert.deepEqual(r.codes, [], path);
      assert.match(r.message, new RegExp(`the --key ${signer}\\.key`), path);
    }
  });

  test('--key of another GCB key: the genuine signature does not count (GCB_SIGNER_MISMATCH)', () => {
    for (const [path, , other, source] of SIGNED) {
      const r = run(path, gcbAcceptedSigner(keyFile(other), false), source);
      assert.deepEqual(r.codes, ['GCB_SIGNER_MISMATCH'], path);
      assert.match(r.message, /which is not --key/, path);
    }
  });

  test('--key of a key that is not GCB\'s at all (a fresh P-256 key) fails', () => {
    const fresh = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    for (const [path, , , source] of SIGNED) assert.deepEqual(run(path, gcbAcceptedSigner({ name: 'mine.pub', publicKey: fresh }, false), source).codes, ['GCB_SIGNER_MISMATCH'], path);
  });

  test('an identity flag alone can never hold: a KMS key has no certificate identity', () => {
    for (const [path, , , source] of SIGNED) {
      const r = run(path, gcbAcceptedSigner(undefined, true), source);
      assert.deepEqual(r.codes, ['GCB_SIGNER_MISMATCH'], path);
      assert.match(r.message, /no certificate identity/, path);
    }
  });

  test('--key with an identity flag: either named signer counts, so the key suffices', () => {
    for (const [path, signer, , source] of SIGNED) assert.deepEqual(run(path, gcbAcceptedSigner(keyFile(signer), true), source).codes, [], path);
  });

  test('a broken signature stays GCB_SIGNATURE_INVALID whatever the key named', () => {
    const path = `${UNIT}/gcloud-container-invalid-signature.json`;
    assert.deepEqual(run(path, gcbAcceptedSigner(keyFile('global'), false), 'github.com/laurentsimon/gcb-tests').codes, ['GCB_SIGNATURE_INVALID']);
  });
});
