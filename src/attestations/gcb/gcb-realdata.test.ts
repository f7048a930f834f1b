import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { parseStatement } from '../statement.js';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse.js';
import { GCB_BUILDER, GLOBAL_V01_KEYID, GLOBAL_V1_KEYID, gcbKeyFor, parseGcloudDocument, verifyGcbEnvelope, verifyGcloudDocument } from './index.js';
import type { GcloudDocument } from './index.js';
import { checkGcbBuilder, checkGcbExpectedBuilder, checkGcbSourceUri, checkGcbTags, readClaims } from './rules.js';
import type { GcbSigned } from './signature.js';
import { compareTextStatement } from './text.js';

/** slsa-verifier's GCB test data: the CLI's end-to-end cases and the verifier's unit-test files. */
const CLI = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/gcb_container';
const UNIT = 'slsa-framework-slsa-verifier/verifiers/internal/gcb/testdata';

function doc(path: string): GcloudDocument {
  const d = parseGcloudDocument(JSON.parse(readFileSync(realdata(path), 'utf8')));
  assert.ok(d.ok, `${path} parses`);
  return d.value;
}

const digestOf = (d: GcloudDocument): string => (d.summary.digest ?? '').replace(/^sha256:/, '');

function verify(path: string, expected: Record<string, string> = {}, digest?: string) {
  const d = doc(path);
  return verifyGcloudDocument(d, digest ?? digestOf(d), { builderId: GCB_BUILDER, workflowInputs: {}, ...expected }, path);
}

const failures = (r: ReturnType<typeof verify>): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.code);

/**
 * As slsa-verifier's unit tests do (setStatement), the rules are also run over statements whose
 * signature is not checked: most of its content test files were edited after signing.
 */
function unverified(path: string, slsa: '0.1' | '1.0', index = 0): { signed: GcbSigned; doc: GcloudDocument } {
  const d = doc(path);
  const payload = Buffer.from(d.provenance[index]?.envelope?.payload ?? '', 'base64');
  const statement = parseStatement(IN_TOTO_PAYLOAD_TYPE, payload);
  assert.ok(statement.ok, `${path}: statement parses`);
  const key = gcbKeyFor(slsa === '0.1' ? GLOBAL_V01_KEYID : GLOBAL_V1_KEYID);
  assert.ok(key);
  return { signed: { key, keyid: '', slsa, statement: statement.value, raw: JSON.parse(payload.toString('utf8')) as Record<string, unknown> }, doc: d };
}

describe('GCB signatures over slsa-verifier test data (Test_VerifySignature)', needsRealdata(), () => {
  const held = (path: string): boolean => doc(`${UNIT}/${path}`).provenance.some((o) => verifyGcbEnvelope(o.envelope).ok);
  for (const f of [
    'gcloud-container-github.json',
    'gcloud-container-global-pae-signing-key-successful.json',
    'gcloud-container-multiple-signatures-2ndvalid.json',
    'gcloud-container-multiple-signatures-global-pae-valid.json',
    'v1.0-gcloud-container-github-single.json',
    'v1.0-gcloud-container-github-v1.0-valid.json',
    'v1.0-gcloud-container-github-v0.1-valid.json',
  ]) {
    test(`${f}: a signature verifies`, () => assert.equal(held(f), true));
  }
  for (const f of [
    'gcloud-container-invalid-signature.json',
    'gcloud-container-invalid-signature-global-pae-key.json',
    'gcloud-container-invalid-signature-payloadtype.json',
    'gcloud-container-invalid-signature-encodingv03.json',
    'gcloud-container-empty-signature.json',
    'gcloud-container-empty-signature-region.json',
    'gcloud-container-invalid-signature-region.json',
    'gcloud-container-invalid-keyid.json',
    'gcloud-container-empty-keyid.json',
    'gcloud-container-no-keyid.json',
    'gcloud-container-multiple-invalid-signatures.json',
    'gcloud-container-empty-payload.json',
    'gcloud-container-no-payload.json',
    'v1.0-gcloud-container-github-single-invalid-sig.json',
    'v1.0-gcloud-container-github-both-invalid-sig.json',
  ]) {
    test(`${f}: no signature verifies`, () => assert.equal(held(f), false));
  }
  test('an empty or absent provenance list is refused', () => {
    for (const f of ['gcloud-container-empty-provenance.json', 'gcloud-container-no-provenance.json']) {
      assert.equal(parseGcloudDocument(JSON.parse(readFileSync(realdata(`${UNIT}/${f}`), 'utf8'))).ok, false, f);
    }
  });
});

describe('GCB documents verify end to end (Test_runVerifyGCBArtifactImage)', needsRealdata(), () => {
  const cases: [string, Record<string, string>][] = [
    [`${CLI}/v0.2/gcloud-container-github.json`, { sourceUri: 'github.com/laurentsimon/gcb-tests' }],
    [`${CLI}/v0.3/gcloud-container-github.json`, { sourceUri: 'github.com/laurentsimon/gcb-tests', builderId: `${GCB_BUILDER}@v0.3` }],
    [`${CLI}/v0.3/gcloud-container-gcs.json`, { sourceUri: 'gs://slsa-tooling_cloudbuild/source/1663616632.078353-fc7db143dcc64b5f9fe71d0497125ca1.tgz' }],
    [`${CLI}/v0.3/gcloud-container-github-tag.json`, { sourceUri: 'github.com/slsa-framework/example-package', sourceTag: 'v33.0.4', sourceVersionedTag: 'v33' }],
    [`${CLI}/v0.2/gcloud-container-multiple-signatures-2ndvalid.json`, {}],
    [`${CLI}/v0.3/gcloud-container-multiple-provenance-3rdvalid.json`, {}],
    [`${UNIT}/v1.0-gcloud-container-github.json`, { sourceUri: 'https://github.com/khalkie/gcb-prod-prov' }],
  ];
  for (const [path, expected] of cases) {
    test(`${path.split('/').slice(-2).join('/')} ${JSON.stringify(expected)}`, () => {
      const r = verify(path, expected);
      assert.deepEqual(failures(r), []);
      assert.equal(r.provenance?.verified, true);
      assert.equal(r.attestations.filter((a) => a.verified).length, 1);
    });
  }
  test('SLSA v1.0 from the global google-hosted-worker key: no builder version to name', () => {
    const path = `${UNIT}/v1.0-gcloud-container-github.json`;
    assert.equal(verify(path).provenance?.slsaVersion, '1.0');
    assert.deepEqual(failures(verify(path, { builderId: `${GCB_BUILDER}@v0.3` })), ['BUILDER_ID_MISMATCH']);
    assert.deepEqual(failures(verify(path, { sourceUri: 'https://github.com/khalkie/gcb-prod-prov@refs/heads/main' })), ['SOURCE_URI_MISMATCH']);
  });
  test('a negative case of each content check (slsa-verifier CLI test data)', () => {
    // The image the CLI cases verify (gcloud-container-github.digest), not the tampered summary's.
    const image = 'f472ca4b68898c951ac3b476cba919d0d56fca4ced631fabcead51e4b2b690e7';
    const v = (name: string) => failures(verify(`${CLI}/v0.3/gcloud-container-${name}.json`, {}, image));
    assert.deepEqual(v('mismatch-summary-digest'), ['GCB_SUMMARY_DIGEST_MISMATCH']);
    assert.deepEqual(v('mismatch-text-digest'), ['GCB_TEXT_MISMATCH']);
    assert.deepEqual(v('mismatch-text-steps'), ['GCB_TEXT_MISMATCH']);
    assert.deepEqual(v('mismatch-metadata-kind'), ['GCB_KIND_INVALID']);
    assert.deepEqual(v('mismatch-metadata-urisha256'), ['GCB_RESOURCE_DIGEST_MISMATCH']);
    assert.deepEqual(failures(verify(`${UNIT}/gcloud-container-invalid-fullyqualifieddigest.json`)), ['GCB_SUMMARY_DIGEST_MISMATCH']);
  });
});

describe('GCB builder, build type, source and tag rules (slsa-verifier unit tests)', needsRealdata(), () => {
  test('builder and recipe type (Test_VerifyBuilder)', () => {
    const builder = (f: string, slsa: '0.1' | '1.0' = '0.1') => {
      const { signed } = unverified(`${UNIT}/${f}`, slsa);
      return checkGcbBuilder(signed, readClaims(signed)).code;
    };
    assert.equal(builder('gcloud-container-github.json'), 'BUILDER_TRUSTED_BY_KEY');
    assert.equal(builder('gcloud-container-invalid-recipe.arguments.type.json'), 'GCB_BUILD_TYPE_INVALID');
    assert.equal(builder('gcloud-container-invalid-recipe.type.json'), 'GCB_BUILD_TYPE_INVALID');
    assert.equal(builder('gcloud-container-invalid-builderv01.json'), 'GCB_BUILDER_UNKNOWN');
    assert.equal(builder('gcloud-container-invalid-recipetypestepsv02.json'), 'GCB_BUILD_TYPE_INVALID');
    assert.equal(builder('gcloud-container-invalid-recipetypecloudv02.json'), 'GCB_BUILD_TYPE_INVALID');
    assert.equal(builder('gcloud-container-invalid-recipetypestepsv03.json'), 'BUILDER_TRUSTED_BY_KEY');
    assert.equal(builder('gcloud-container-invalid-recipetypecloudv03.json'), 'BUILDER_TRUSTED_BY_KEY');
    assert.equal(builder('gcloud-container-invalid-recipetyperandv03.json'), 'GCB_BUILD_TYPE_INVALID');
    assert.equal(builder('v1.0-gcloud-container-github-single.json', '1.0'), 'BUILDER_TRUSTED_BY_KEY');
  });
  test('--builder-id: name, and version when given (MatchesLoose)', () => {
    const { signed } = unverified(`${UNIT}/gcloud-container-github.json`, '0.1');
    const c = readClaims(signed);
    const code = (id: string) => checkGcbExpectedBuilder(c, id).code;
    assert.equal(code(GCB_BUILDER), 'BUILDER_ID_MATCHED');
    assert.equal(code(`${GCB_BUILDER}@v0.2`), 'BUILDER_ID_MATCHED');
    for (const bad of [`${GCB_BUILDER}@v0.1`, `${GCB_BUILDER}@`, `${GCB_BUILDER}@v0.2@v0.2`, 'https://cloudbuild.googleapis.com/GoogleHostedWorke@v0.2', 'http://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2', `${GCB_BUILDER}a`]) {
      assert.equal(code(bad), 'BUILDER_ID_MISMATCH', bad);
    }
    assert.equal(checkGcbExpectedBuilder(c, undefined).code, 'BUILDER_UNTRUSTED');
  });
  test('--source-uri (Test_VerifySourceURI)', () => {
    const src = (f: string, uri: string, slsa: '0.1' | '1.0' = '0.1') => {
      const { signed } = unverified(`${UNIT}/${f}`, slsa);
      return checkGcbSourceUri(readClaims(signed), uri).status;
    };
    assert.equal(src('gcloud-container-github.json', 'https://github.com/laurentsimon/gcb-tests'), 'pass');
    assert.equal(src('gcloud-container-github.json', 'github.com/laurentsimon/gcb-tests'), 'pass');
    for (const bad of ['https://github.com/laurentsimon/gcb-tests2', 'https://github.com/wrong/gcb-tests', 'http://github.com/laurentsimon/gcb-tests', 'https://github.com/laurentsimon/gcb-tests/commit/fbbb98765e85ad464302dc5977968104d36e455e', 'github.com/laurentsimon/gcb']) {
      assert.equal(src('gcloud-container-github.json', bad), 'fail', bad);
    }
    assert.equal(src('gcloud-container-github-v03.json', 'https://github.com/laurentsimon/gcb-tests'), 'pass');
    assert.equal(src('gcloud-container-github-v03-git.json', 'https://github.com/slsa-framework/example-package'), 'pass');
    assert.equal(src('gcloud-container-github-v03.json', 'https://github.com/laurentsimon/gcb-tests/commit/01ce393d04eb6df2a7b2b3e95d4126e687afb7ae'), 'fail');
    assert.equal(src('v1.0-gcloud-container-github.json', 'https://github.com/khalkie/gcb-prod-prov', '1.0'), 'pass');
    assert.equal(src('v1.0-gcloud-container-github-nogit.json', 'https://github.com/khalkie/gcb-prod-prov', '1.0'), 'pass');
    assert.equal(src('v1.0-gcloud-container-github-sourcediff.json', 'https://github.com/khalkie/gcb-prod-prov', '1.0'), 'fail');
    assert.equal(src('v1.0-gcloud-container-github.json', 'https://github.com/khalkie/gcb-prod-prov@refs/heads/main', '1.0'), 'fail');
  });
  test('--source-tag and --source-versioned-tag (Test_VerifyTag, Test_VerifyVersionedTag)', () => {
    const tags = (f: string, expected: { sourceTag?: string; sourceVersionedTag?: string }, slsa: '0.1' | '1.0' = '0.1') => {
      const { signed } = unverified(`${UNIT}/${f}`, slsa);
      return checkGcbTags(signed, expected).map((c) => c.status);
    };
    assert.deepEqual(tags('gcloud-container-tag.json', { sourceTag: 'v33.0.4' }), ['pass']);
    for (const t of ['v33', 'v33.0', 'v34.0.4']) assert.deepEqual(tags('gcloud-container-tag.json', { sourceTag: t }), ['fail'], t);
    for (const t of ['v33.0.4', 'v33.0', 'v33']) assert.deepEqual(tags('gcloud-container-tag.json', { sourceVersionedTag: t }), ['pass'], t);
    for (const t of ['v33.1', 'v33.1.0', 'v34', 'v34.0', 'v34.0.4', 'v33.0.5', 'not-a-version']) assert.deepEqual(tags('gcloud-container-tag.json', { sourceVersionedTag: t }), ['fail'], t);
    assert.deepEqual(tags('gcloud-container-tag-notpresent.json', { sourceTag: 'v33.0.4' }), ['fail']);
    assert.deepEqual(tags('gcloud-container-tag-notstring.json', { sourceTag: 'v33.0.4' }), ['fail']);
    assert.deepEqual(tags('v1.0-gcloud-container-github-tag.json', { sourceTag: 'v33.0.4' }, '1.0'), ['pass']);
    assert.deepEqual(tags('v1.0-gcloud-container-github-tag.json', { sourceVersionedTag: 'v33' }, '1.0'), ['pass']);
    assert.deepEqual(tags('v1.0-gcloud-container-github.json', { sourceTag: 'v33.0.4' }, '1.0'), ['fail']);
  });
  test('the readable text must be the signed statement (Test_VerifyTextProvenance)', () => {
    for (const [f, slsa] of [['gcloud-container-github.json', '0.1'], ['gcloud-container-global-pae-signing-key-successful.json', '0.1'], ['v1.0-gcloud-container-github.json', '1.0']] as const) {
      const { signed, doc: d } = unverified(`${UNIT}/${f}`, slsa);
      assert.deepEqual(compareTextStatement(slsa, d.provenance[0]?.build ?? {}, signed.raw), { ok: true }, f);
      // "mismatch everything": the text of a statement compared with another statement.
      assert.equal(compareTextStatement(slsa, {}, signed.raw).ok, false, f);
    }
  });
});
