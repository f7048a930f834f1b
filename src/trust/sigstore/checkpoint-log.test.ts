import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { MOCK_IDENTITY, MOCK_ISSUER, sizeOneProof, startSigstoreMock } from '../../testing/sigstore-mock.js';
import type { SigstoreMock } from '../../testing/sigstore-mock.js';
import { parseBundle, parseBundleJSON, trustFromJSON, verifyBundle } from './index.js';
import type { ArtifactInput, SigstoreTrust } from './index.js';

/** A checkpoint belongs to the log whose key signed it, whatever name its signature line gives. */
const ARTIFACT = Buffer.from('checkpoint test\n');
const DIGEST: ArtifactInput = { kind: 'digest', digest: { algorithm: 'sha256', hex: crypto.createHash('sha256').update(ARTIFACT).digest('hex') } };
const EXPECTED = { identity: MOCK_IDENTITY, issuer: MOCK_ISSUER };

type Json = Record<string, unknown>;
let mock: SigstoreMock;
let trust: SigstoreTrust;
let bundle: Json;
before(async () => {
  mock = await startSigstoreMock();
  trust = trustFromJSON(mock.trustedRoot, { source: 'mock' });
  bundle = await mock.signBlob(ARTIFACT, { rekor: 'v2' });
});
after(() => mock.stop());

const spki = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });
const logId = (k: KeyObject): Buffer => crypto.createHash('sha256').update(spki(k)).digest();
const entry = (b: Json): Json => (b['verificationMaterial'] as { tlogEntries: Json[] }).tlogEntries[0]!;
const note = (b: Json): string => {
  const envelope = (entry(b)['inclusionProof'] as { checkpoint: { envelope: string } }).checkpoint.envelope;
  return envelope.slice(0, envelope.indexOf('\n\n') + 1);
};
/** A signature line over the note: `— name base64(hint || signature)`. */
const line = (text: string, name: string, hint: Buffer, key: KeyObject): string => `\u2014 ${name} ${Buffer.concat([hint.subarray(0, 4), crypto.sign('sha256', Buffer.from(text), key)]).toString('base64')}\n`;
function withSignatures(b: Json, lines: string[]): Json {
  const copy = structuredClone(b);
  const proof = entry(copy)['inclusionProof'] as { checkpoint: { envelope: string } };
  proof.checkpoint.envelope = `${note(b)}\n${lines.join('')}`;
  return copy;
}
function outcome(json: Json, t: SigstoreTrust = trust): string {
  const p = parseBundleJSON(json);
  if (!p.ok) return p.code;
  const r = verifyBundle(p, DIGEST, t, EXPECTED);
  return r.verified ? 'pass' : r.code;
}

describe('checkpoints are bound to their log by key', () => {
  test('a signature line named after a pod, not the URL, verifies (private Rekor v1 deployments)', () => {
    const rekor = mock.rekorKeys;
    const text = note(bundle);
    assert.equal(outcome(bundle), 'pass');
    assert.equal(outcome(withSignatures(bundle, [line(text, 'rekor-00001-deployment-56bf7777c9-jds5x', logId(rekor.publicKey), rekor.privateKey)])), 'pass');
    // A note whose origin line is not the URL host either, logged and signed by the log.
    const body = Buffer.from(entry(bundle)['canonicalizedBody'] as string, 'base64');
    const proof = sizeOneProof(body, rekor, 'rekor-00001-deployment-56bf7777c9-jds5x - 6364419738405537866');
    const copy = structuredClone(bundle);
    entry(copy)['inclusionProof'] = { ...proof, rootHash: proof.rootHash.toString('base64') };
    assert.equal(outcome(copy), 'pass');
  });

  test('witness cosignatures around the log\'s line are ignored', () => {
    const witness = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const text = note(bundle);
    const own = line(text, 'rekor.mock.test', logId(mock.rekorKeys.publicKey), mock.rekorKeys.privateKey);
    const other = line(text, 'witness.example', logId(witness.publicKey), witness.privateKey);
    assert.equal(outcome(withSignatures(bundle, [other, own, other])), 'pass');
  });

  test('a checkpoint signed only by another log\'s key is TLOG_CHECKPOINT_WRONG_LOG, even under this log\'s name and when that log is trusted', () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const root = structuredClone(mock.trustedRoot) as { tlogs: Json[] };
    const second = structuredClone(root.tlogs[0]!) as { baseUrl: string; logId: { keyId: string }; publicKey: { rawBytes: string } };
    second.baseUrl = 'https://other-log.mock.test';
    second.logId.keyId = logId(other.publicKey).toString('base64');
    second.publicKey.rawBytes = spki(other.publicKey).toString('base64');
    root.tlogs.push(second);
    const both = trustFromJSON(root, { source: 'two logs' });
    const forged = withSignatures(bundle, [line(note(bundle), 'rekor.mock.test', logId(other.publicKey), other.privateKey)]);
    assert.equal(outcome(forged, both), 'TLOG_CHECKPOINT_WRONG_LOG');
    assert.equal(outcome(forged), 'TLOG_CHECKPOINT_WRONG_LOG');
    const p = parseBundleJSON(forged);
    assert.ok(p.ok);
    const r = verifyBundle(p, DIGEST, both, EXPECTED);
    assert.match(r.stages.tlog.expected ?? '', /rekor\.mock\.test/);
    assert.match(r.stages.tlog.found ?? '', /rekor\.mock\.test/);
    // The same checkpoint does prove inclusion in the log whose key signed it, when the entry
    // names that log (and that log is trusted): the key decides, not the name.
    const moved = structuredClone(forged);
    (entry(moved)['logId'] as { keyId: string }).keyId = second.logId.keyId;
    assert.equal(outcome(moved, both), 'pass');
    assert.equal(outcome(moved), 'TLOG_UNKNOWN_LOG');
  });

  test('this log\'s key hint over another key\'s signature fails the signature check', () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forged = withSignatures(bundle, [line(note(bundle), 'rekor.mock.test', logId(mock.rekorKeys.publicKey), other.privateKey)]);
    assert.equal(outcome(forged), 'TLOG_INCLUSION_PROOF_INVALID');
  });

  test('no signature lines, or only malformed ones', () => {
    assert.equal(outcome(withSignatures(bundle, [])), 'TLOG_CHECKPOINT_WRONG_LOG');
    assert.equal(outcome(withSignatures(bundle, ['\u2014 rekor.mock.test AAAA\n', 'not a signature line\n'])), 'TLOG_CHECKPOINT_WRONG_LOG');
  });

  test('an entry naming a log the trusted root does not list is TLOG_UNKNOWN_LOG', () => {
    const copy = structuredClone(bundle);
    (entry(copy)['logId'] as { keyId: string }).keyId = crypto.randomBytes(32).toString('base64');
    assert.equal(outcome(copy), 'TLOG_UNKNOWN_LOG');
  });
});

test('hostile checkpoints: random edits never pass or throw; more than 8 lines with the log\'s key hint are refused', { timeout: 60_000 }, () => {
  const text = note(bundle);
  const own = line(text, 'rekor.mock.test', logId(mock.rekorKeys.publicKey), crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
  const many = withSignatures(bundle, Array.from({ length: 100_000 }, (_, i) => (i % 2 === 0 ? own : `\u2014 x${i} ${crypto.randomBytes(8).toString('base64')}\n`)));
  assert.equal(outcome(many), 'TLOG_INCLUSION_PROOF_INVALID');
  // Up to the cap, every line with the log's hint is tried (one valid among invalid ones passes).
  const valid = line(text, 'rekor.mock.test', logId(mock.rekorKeys.publicKey), mock.rekorKeys.privateKey);
  assert.equal(outcome(withSignatures(bundle, [...Array.from({ length: 7 }, () => own), valid])), 'pass');
  assert.equal(outcome(withSignatures(bundle, [...Array.from({ length: 8 }, () => own), valid])), 'TLOG_INCLUSION_PROOF_INVALID');
  const envelope = (entry(bundle)['inclusionProof'] as { checkpoint: { envelope: string } }).checkpoint.envelope;
  const alphabet = ['\n', ' ', '\u2014', 'A', '=', '\n\n', ''];
  for (let i = 0; i < 60; i++) {
    const at = crypto.randomInt(envelope.length);
    const edited = envelope.slice(0, at) + alphabet[crypto.randomInt(alphabet.length)]! + envelope.slice(at + 1 + crypto.randomInt(3));
    if (edited === envelope) continue;
    const copy = structuredClone(bundle);
    (entry(copy)['inclusionProof'] as { checkpoint: { envelope: string } }).checkpoint.envelope = edited;
    const result = outcome(copy);
    // An edit inside the unsigned signature-line name may keep it valid; any other must fail.
    if (result === 'pass') assert.equal(edited.slice(0, edited.indexOf('\n\n')), envelope.slice(0, envelope.indexOf('\n\n')), `a changed note passed: ${JSON.stringify(edited)}`);
  }
});

test('sigstore-go othername.sigstore.json (private Rekor v1, checkpoint named after its pod) verifies with its scaffolding root', needsRealdata(), () => {
  const go = (p: string) => realdata(`sigstore-sigstore-go/pkg/testing/data/${p}`);
  const scaffolding = trustFromJSON(JSON.parse(readFileSync(go('trusted-roots/scaffolding.json'), 'utf8')), { source: 'scaffolding' });
  const parsed = parseBundle(readFileSync(go('bundles/othername.sigstore.json')));
  assert.ok(parsed.ok);
  const artifact: ArtifactInput = { kind: 'digest', digest: { algorithm: 'sha256', hex: 'bc103b4a84971ef6459b294a2b98568a2bfb72cded09d4acd1e16366a401f95b' } };
  const r = verifyBundle(parsed, artifact, scaffolding, { identity: 'foo!oidc.local', issuer: 'http://oidc.local:8080' });
  assert.equal(r.verified, true, r.message);
  assert.equal(verifyBundle(parsed, artifact, scaffolding, { identity: 'foo@oidc.local', issuer: 'http://oidc.local:8080' }).code, 'SIGNER_IDENTITY_MISMATCH');
});
