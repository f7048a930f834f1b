import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findSubject, matchesVersionedTag, MAX_PAYLOAD_BYTES, normalizeSourceUri, parseDsseEnvelope, parseStatement, readAttestationFile } from './index.js';

const HEX = 'a'.repeat(64);
const stmt = (over: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1', predicate: {}, subject: [{ name: 'a', digest: { sha256: HEX } }], ...over }));
const TYPE = 'application/vnd.in-toto+json';

describe('parseStatement refuses what it cannot trust', () => {
  const cases: [string, string, Buffer, string][] = [
    ['another payload type', 'application/json', stmt({}), 'STATEMENT_PAYLOAD_TYPE'],
    ['not JSON', TYPE, Buffer.from('{"_type":'), 'STATEMENT_MALFORMED'],
    ['unknown _type', TYPE, stmt({ _type: 'https://in-toto.io/Statement/v9' }), 'STATEMENT_TYPE_UNKNOWN'],
    ['no subjects', TYPE, stmt({ subject: [] }), 'STATEMENT_NO_SUBJECT'],
    ['subject without digest', TYPE, stmt({ subject: [{ name: 'a' }] }), 'STATEMENT_SUBJECT_MALFORMED'],
    ['short sha256', TYPE, stmt({ subject: [{ name: 'a', digest: { sha256: 'abc' } }] }), 'STATEMENT_SUBJECT_MALFORMED'],
    ['non-hex sha256', TYPE, stmt({ subject: [{ name: 'a', digest: { sha256: 'z'.repeat(64) } }] }), 'STATEMENT_SUBJECT_MALFORMED'],
    ['same name, two digests', TYPE, stmt({ subject: [{ name: 'a', digest: { sha256: HEX } }, { name: 'a', digest: { sha256: 'b'.repeat(64) } }] }), 'STATEMENT_DUPLICATE_SUBJECT'],
    ['no predicateType', TYPE, stmt({ predicateType: '' }), 'STATEMENT_MALFORMED'],
    ['a predicate nested 100,000 levels', TYPE, Buffer.from(`{"_type":"https://in-toto.io/Statement/v1","predicate":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 'STATEMENT_MALFORMED'],
  ];
  for (const [name, type, payload, code] of cases) {
    test(name, () => {
      const r = parseStatement(type, payload);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.code, code);
    });
  }

  test('every single-byte mutation of a statement either fails to parse or stops matching, never matches another artifact', () => {
    const payload = stmt({});
    for (let i = 0; i < payload.length; i++) {
      const mutated = Buffer.from(payload);
      mutated[i] = mutated[i]! ^ 0x01;
      const r = parseStatement(TYPE, mutated);
      if (!r.ok) continue;
      assert.equal(findSubject(r.value, { sha256: 'b'.repeat(64) }), undefined, `mutation at ${i} matched another digest`);
    }
  });
});

describe('findSubject', () => {
  const parsed = parseStatement(TYPE, stmt({ subject: [{ name: 'x', digest: { sha256: HEX, sha512: 'c'.repeat(128) } }, { name: 'y', digest: { sha1: 'd'.repeat(40) } }] }));
  assert.ok(parsed.ok);
  test('matches by sha256', () => assert.equal(findSubject(parsed.value, { sha256: HEX })?.name, 'x'));
  test('every shared strong digest must agree', () => assert.equal(findSubject(parsed.value, { sha256: HEX, sha512: 'e'.repeat(128) }), undefined));
  test('sha1 alone never binds an artifact', () => assert.equal(findSubject(parsed.value, { sha1: 'd'.repeat(40) }), undefined));
});

describe('source URIs and refs', () => {
  const same = ['git+https://github.com/o/r@refs/heads/main', 'https://github.com/o/r.git', 'github.com/o/r', 'https://GitHub.com/o/r/'];
  for (const uri of same) test(`${uri} normalises to github.com/o/r`, () => assert.equal(normalizeSourceUri(uri).repo, 'github.com/o/r'));
  test('the ref after @ is kept', () => assert.equal(normalizeSourceUri('git+https://github.com/o/r@refs/tags/v1').ref, 'refs/tags/v1'));
  test('no prefix or substring match', () => {
    assert.notEqual(normalizeSourceUri('github.com/o/rA').repo, 'github.com/o/r');
    assert.notEqual(normalizeSourceUri('github.com/Ao/r').repo, 'github.com/o/r');
  });
  test('other schemes are kept whole', () => assert.equal(normalizeSourceUri('gs://bucket/source/x.tgz').repo, 'gs://bucket/source/x.tgz'));
  const tags: [string, string, boolean][] = [
    ['v14.2', 'v14', true], ['v14.2.1', 'v14', true], ['v14', 'v14', true], ['v14.2', 'v14.2', true],
    ['v15.0', 'v14', false], ['v140', 'v14', false], ['v14.3', 'v14.2', false], ['v14.2.1-rc.1', 'v14.2.1', false],
    ['v14.2.1+build', 'v14.2.1', true], ['main', 'v14', false],
    // The built tag is canonical semver (slsa-verifier's semver.Canonical): missing parts are 0.
    ['v14', 'v14.0', true], ['v14', 'v14.0.0', true], ['v14.2', 'v14.2.0', true], ['v14', 'v14.1', false], ['v14.2', 'v14.2.1', false],
    // Only tags Go's semver accepts: a leading v, no leading zeros, a pre-release only on a full version.
    ['14.2.1', 'v14', false], ['v014.2.1', 'v14', false], ['v14.02.1', 'v14', false], ['v14-rc.1', 'v14', false], ['v14-rc.1', 'v14.0', false],
    ['v14.2-rc.1', 'v14.2', false], ['v14.2+meta', 'v14.2', false], ['v14.2.1-01', 'v14.2.1-01', false], ['v1'.padEnd(300, '0'), 'v1', false],
  ];
  for (const [tag, want, expected] of tags) test(`tag ${tag} ${expected ? 'satisfies' : 'does not satisfy'} ${want}`, () => assert.equal(matchesVersionedTag(tag, want), expected));
});

describe('attestation files and envelopes', () => {
  test('JSON lines of envelopes', () => {
    const env = { payloadType: TYPE, payload: stmt({}).toString('base64'), signatures: [{ sig: 'AAAA' }] };
    const r = readAttestationFile(`${JSON.stringify(env)}\n${JSON.stringify(env)}\n`);
    assert.ok(r.ok && r.value.length === 2);
  });
  test('an unknown shape is refused, not skipped', () => {
    const r = readAttestationFile('{"hello": "world"}');
    assert.equal(r.ok, false);
  });
  test('an envelope without signatures is refused', () => {
    assert.equal(parseDsseEnvelope({ payloadType: TYPE, payload: 'AAAA', signatures: [] }).ok, false);
  });
  test('an envelope with a non-base64 payload is refused', () => {
    assert.equal(parseDsseEnvelope({ payloadType: TYPE, payload: '!!!', signatures: [{ sig: 'AAAA' }] }).ok, false);
  });
});

test('dsse: the payload cap is exact, one byte over is refused', () => {
  const envelope = (n: number) => ({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.alloc(n).toString('base64'), signatures: [{ sig: 'AAAA' }] });
  assert.equal(parseDsseEnvelope(envelope(MAX_PAYLOAD_BYTES)).ok, true);
  for (const extra of [1, 2, 3]) {
    const r = parseDsseEnvelope(envelope(MAX_PAYLOAD_BYTES + extra));
    assert.equal(r.ok ? 'ok' : r.code, 'DSSE_TOO_LARGE', `+${extra}`);
  }
});

describe('attestation documents wrapped in {"attestations": […]}', () => {
  const bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {}, dsseEnvelope: {} };
  test("npm's registry shape ({predicateType, bundle}) is marked npm; GitHub's attestations API shape ({bundle, repository_id}) is not", () => {
    const npm = readAttestationFile(JSON.stringify({ attestations: [{ predicateType: 'https://slsa.dev/provenance/v1', bundle }] }));
    const github = readAttestationFile(JSON.stringify({ attestations: [{ bundle, repository_id: 1 }] }));
    assert.ok(npm.ok && github.ok);
    assert.deepEqual(npm.value.map((e) => e.kind === 'bundle' && e.npm === true), [true]);
    assert.deepEqual(github.value.map((e) => e.kind === 'bundle' && e.npm === true), [false]);
  });
});
