import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { readAttestationFile } from '../attestation-file.js';
import { GCB_BUILDER, MAX_GCB_OCCURRENCES, MAX_GCB_SIGNATURES, parseGcloudDocument, verifyGcloudDocument } from './index.js';

/** A real, valid gcloud document (GCB v0.3, regional key us-west2), changed one thing at a time. */
const PATH = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/gcb_container/v0.3/gcloud-container-github.json';
const DIGEST = 'f472ca4b68898c951ac3b476cba919d0d56fca4ced631fabcead51e4b2b690e7';
const SOURCE = 'github.com/laurentsimon/gcb-tests';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const original = (): Json => JSON.parse(readFileSync(realdata(PATH), 'utf8')) as Json;
const occurrence = (d: Json): Json => d['provenance_summary']['provenance'][0] as Json;

function run(d: unknown, opts: { digest?: string; builderId?: string; sourceUri?: string } = {}): string[] {
  const parsed = parseGcloudDocument(d);
  if (!parsed.ok) return [parsed.code];
  const r = verifyGcloudDocument(parsed.value, opts.digest ?? DIGEST, { builderId: opts.builderId ?? GCB_BUILDER, sourceUri: opts.sourceUri ?? SOURCE, workflowInputs: {} }, 'test');
  assert.equal(r.provenance?.verified === true, r.checks.every((c) => c.status !== 'fail'), 'verified iff no check failed');
  return r.checks.filter((c) => c.status === 'fail').map((c) => c.code);
}

/** Rewrites the signed payload (as JSON) and re-encodes it, leaving the signature as it was. */
function withPayload(edit: (p: Json) => void): Json {
  const d = original();
  const env = occurrence(d)['envelope'] as Json;
  const p = JSON.parse(Buffer.from(env['payload'] as string, 'base64').toString('utf8')) as Json;
  edit(p);
  env['payload'] = Buffer.from(JSON.stringify(p)).toString('base64');
  return d;
}

describe('GCB tamper tests over real provenance', needsRealdata(), () => {
  test('the untouched document passes', () => assert.deepEqual(run(original()), []));

  test('one byte of the payload changed: no valid signature', () => {
    const d = original();
    const env = occurrence(d)['envelope'] as Json;
    const bytes = Buffer.from(env['payload'] as string, 'base64');
    bytes[100] = (bytes[100] ?? 0) ^ 1;
    env['payload'] = bytes.toString('base64');
    assert.deepEqual(run(d), ['GCB_SIGNATURE_INVALID']);
  });

  test('the payload builder or subject digest rewritten: no valid signature', () => {
    assert.deepEqual(run(withPayload((p) => (p['predicate']['builder']['id'] = `${GCB_BUILDER}@v0.2`))), ['GCB_SIGNATURE_INVALID']);
    assert.deepEqual(run(withPayload((p) => (p['subject'][0]['digest']['sha256'] = 'a'.repeat(64)))), ['GCB_SIGNATURE_INVALID']);
  });

  test('one byte of the signature changed: no valid signature', () => {
    const d = original();
    const sig = occurrence(d)['envelope']['signatures'][0] as Json;
    const bytes = Buffer.from(sig['sig'] as string, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    sig['sig'] = bytes.toString('base64');
    assert.deepEqual(run(d), ['GCB_SIGNATURE_INVALID']);
  });

  test('the keyid changed to another region, the global key, an unknown or a look-alike keyid: no valid signature', () => {
    for (const keyid of [
      'projects/verified-builder/locations/us-east1/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/1',
      'projects/verified-builder/locations/global/keyRings/attestor/cryptoKeys/provenanceSigner/cryptoKeyVersions/1',
      'projects/verified-builder/locations/global/keyRings/attestor/cryptoKeys/google-hosted-worker/cryptoKeyVersions/1',
      'projects/verified-builder/locations/us-west2/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/2',
      'projects/verified-builder/locations/global-pae/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/1',
      'projects/verified-builder/locations/../us-west2/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/1',
      'projects/verified-builder/locations/toString/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/1',
      'projects/verified-builder/locations/__proto__/keyRings/attestor/cryptoKeys/builtByGCB/cryptoKeyVersions/1',
      '',
    ]) {
      const d = original();
      occurrence(d)['envelope']['signatures'][0]['keyid'] = keyid;
      assert.deepEqual(run(d), ['GCB_SIGNATURE_INVALID'], keyid);
    }
  });

  test('another digest: subject, occurrence and summary all fail', () => {
    assert.deepEqual(run(original(), { digest: 'b'.repeat(64) }), ['SUBJECT_DIGEST_MISMATCH', 'GCB_RESOURCE_DIGEST_MISMATCH', 'GCB_SUMMARY_DIGEST_MISMATCH']);
  });

  test('the unsigned summary, metadata or text changed', () => {
    const summary = original();
    summary['image_summary']['digest'] = `sha256:${'c'.repeat(64)}`;
    assert.deepEqual(run(summary), ['GCB_SUMMARY_DIGEST_MISMATCH']);
    const fqd = original();
    fqd['image_summary']['fully_qualified_digest'] = `evil.example/x@sha256:${'c'.repeat(64)}`;
    assert.deepEqual(run(fqd), ['GCB_SUMMARY_DIGEST_MISMATCH']);
    const uri = original();
    occurrence(uri)['resourceUri'] = `https://evil.example/x@sha256:${'c'.repeat(64)}`;
    assert.deepEqual(run(uri), ['GCB_RESOURCE_DIGEST_MISMATCH']);
    const kind = original();
    occurrence(kind)['kind'] = 'IMAGE';
    assert.deepEqual(run(kind), ['GCB_KIND_INVALID']);
    const text = original();
    occurrence(text)['build']['intotoStatement']['slsaProvenance']['materials'][0]['uri'] = 'https://github.com/evil/gcb-tests';
    assert.deepEqual(run(text), ['GCB_TEXT_MISMATCH']);
    const noText = original();
    delete occurrence(noText)['build'];
    assert.deepEqual(run(noText), ['GCB_TEXT_MISMATCH']);
    // A field slsa-verifier ignores in the comparison (metadata.buildInvocationId) may differ.
    const ignored = original();
    occurrence(ignored)['build']['intotoStatement']['slsaProvenance']['metadata']['buildInvocationId'] = 'other';
    assert.deepEqual(run(ignored), []);
  });

  test('another builder or source expected', () => {
    assert.deepEqual(run(original(), { builderId: `${GCB_BUILDER}@v0.2` }), ['BUILDER_ID_MISMATCH']);
    assert.deepEqual(run(original(), { builderId: 'https://cloudbuild.googleapis.com/GoogleHostedWorkerX' }), ['BUILDER_ID_MISMATCH']);
    for (const s of ['github.com/laurentsimon/gcb-test', 'github.com/laurentsimon/gcb-tests2', 'github.com/laurentsimon', 'gitlab.com/laurentsimon/gcb-tests']) {
      assert.deepEqual(run(original(), { sourceUri: s }), ['SOURCE_URI_MISMATCH'], s);
    }
  });

  test('a valid occurrence after a broken one is used; broken ones alone never pass', () => {
    const d = original();
    const good = occurrence(d);
    const bad = JSON.parse(JSON.stringify(good)) as Json;
    bad['envelope']['signatures'][0]['sig'] = 'AAAA';
    d['provenance_summary']['provenance'] = [bad, good];
    assert.deepEqual(run(d), []);
    d['provenance_summary']['provenance'] = [bad, bad];
    assert.deepEqual(run(d), ['GCB_SIGNATURE_INVALID']);
  });

  test('the attestation file reader recognises a gcloud document', () => {
    const r = readAttestationFile(readFileSync(realdata(PATH), 'utf8'));
    assert.ok(r.ok);
    assert.equal(r.value[0]?.kind, 'gcloud');
  });
});

describe('GCB hostile documents: no pass, no hang, bounded work', needsRealdata(), () => {
  test('shapes that are not gcloud documents are refused', () => {
    for (const d of [null, [], 'x', {}, { provenance_summary: {} }, { provenance_summary: { provenance: {} } }, { provenance_summary: { provenance: [] } }, { provenance_summary: { provenance: [1] } }, { provenance_summary: { provenance: [{ envelope: 'x' }] } }]) {
      assert.notDeepEqual(run(d), [], JSON.stringify(d));
    }
  });

  test('too many occurrences or signatures are refused before any verification', () => {
    const many = original();
    many['provenance_summary']['provenance'] = Array.from({ length: MAX_GCB_OCCURRENCES + 1 }, () => occurrence(original()));
    assert.deepEqual(run(many), ['ATTESTATION_TOO_LARGE']);
    const sigs = original();
    const env = occurrence(sigs)['envelope'] as Json;
    env['signatures'] = Array.from({ length: MAX_GCB_SIGNATURES + 1 }, () => env['signatures'][0]);
    assert.deepEqual(run(sigs), ['ATTESTATION_TOO_LARGE']);
  });

  test('deeply nested unsigned text neither crashes nor passes', () => {
    // Built as text (as an attacker would send it): JSON.stringify itself cannot nest this deep.
    const d = original();
    occurrence(d)['build']['intotoStatement']['slsaProvenance']['recipe']['arguments']['steps'] = '__DEEP__';
    const n = 100_000;
    const text = JSON.stringify(d).replace('"__DEEP__"', `${'['.repeat(n)}"x"${']'.repeat(n)}`);
    assert.deepEqual(run(JSON.parse(text)), ['GCB_TEXT_MISMATCH']);
  });

  test('mistyped text fields, garbage signatures and payloads fail', () => {
    const typed = original();
    occurrence(typed)['build']['intotoStatement']['slsaProvenance']['builder'] = 'x';
    assert.deepEqual(run(typed), ['GCB_TEXT_MISMATCH']);
    for (const sig of ['', '!!!!', '-_+/', 'A'.repeat(100_000), 'MEQCIA==']) {
      const d = original();
      occurrence(d)['envelope']['signatures'][0]['sig'] = sig;
      assert.deepEqual(run(d), ['GCB_SIGNATURE_INVALID'], sig.slice(0, 10));
    }
    for (const payload of ['', 'not base64!', Buffer.from('[]').toString('base64'), Buffer.from('{"_type":1}').toString('base64')]) {
      const d = original();
      occurrence(d)['envelope']['payload'] = payload;
      assert.deepEqual(run(d), ['GCB_SIGNATURE_INVALID'], payload);
    }
    const type = original();
    occurrence(type)['envelope']['payloadType'] = 'application/json';
    assert.deepEqual(run(type), ['GCB_SIGNATURE_INVALID']);
  });
});
