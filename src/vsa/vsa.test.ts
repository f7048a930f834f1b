import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { preAuthEncoding } from '../attestations/index.js';
import { policiesDigest } from '../policy/index.js';
import { checkVsa, chooseVsa, DEFAULT_VSA_MAX_AGE_MS } from './admit.js';
import type { VsaAdmission } from './admit.js';
import { readVsaDocument } from './document.js';
import { trustedKeyFromPem } from './keys.js';
import type { VsaSigningKey } from './keys.js';
import { levelReached } from './levels.js';
import { signVsa } from './sign.js';
import { verifyVsaSignature } from './signature.js';
import { readVsaStatement } from './statement-read.js';
import { VOUCH_VERIFIER_ID, VSA_PREDICATE_TYPE } from './types.js';
import type { TrustedVsaKey, VsaStatement } from './types.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const POLICIES = [{ digest: `sha256:${'01'.repeat(32)}` }];
const NOW = new Date('2026-06-01T12:00:00Z');

function keyPair(kind: 'ec' | 'ed25519'): { signing: VsaSigningKey; trusted: TrustedVsaKey } {
  const pair = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const trusted = trustedKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }), `${kind}.pub`);
  return { signing: { algorithm: kind === 'ec' ? 'ecdsa-p256-sha256' : 'ed25519', privateKey: pair.privateKey, publicKey: trusted }, trusted };
}

function statement(patch: Partial<VsaStatement['predicate']> = {}, subjectDigest = DIGEST): VsaStatement {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'img', digest: { sha256: subjectDigest.slice(7) } }],
    predicateType: VSA_PREDICATE_TYPE,
    predicate: {
      verifier: { id: VOUCH_VERIFIER_ID, version: { vouch: '0.1.0' } },
      timeVerified: '2026-06-01T11:00:00.000Z',
      resourceUri: `reg/app@${subjectDigest}`,
      policy: { uri: 'https://vouch.dev/policies/default', digest: { sha256: policiesDigest(POLICIES).slice(7) } },
      inputAttestations: [],
      verificationResult: 'PASSED',
      verifiedLevels: ['SLSA_BUILD_LEVEL_3'],
      slsaVersion: '1.0',
      ...patch,
    },
  };
}

const admission = (keys: readonly TrustedVsaKey[], patch: Partial<VsaAdmission> = {}): VsaAdmission => ({
  keys,
  subjectDigest: DIGEST,
  policiesDigest: policiesDigest(POLICIES),
  trustedVerifiers: [VOUCH_VERIFIER_ID],
  maxAgeMs: DEFAULT_VSA_MAX_AGE_MS,
  now: NOW,
  maxDocumentBytes: 1 << 20,
  ...patch,
});

/** Rewrites the bundle's envelope (payload or signature) as an attacker would. */
function tamper(bundle: Buffer, edit: (env: { payload: string; signatures: { sig: string; keyid: string }[] }) => void): Buffer {
  const doc = JSON.parse(bundle.toString()) as { dsseEnvelope: { payload: string; signatures: { sig: string; keyid: string }[] } };
  edit(doc.dsseEnvelope);
  return Buffer.from(JSON.stringify(doc));
}

/** A validly signed bare envelope over any payload, signed with the given key. */
function envelope(payload: Buffer, key: KeyObject, keyid = ''): Buffer {
  const sig = sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', preAuthEncoding('application/vnd.in-toto+json', payload), key);
  return Buffer.from(JSON.stringify({ payload: payload.toString('base64'), payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: sig.toString('base64'), keyid }] }));
}

for (const kind of ['ec', 'ed25519'] as const) {
  test(`a VSA signed with ${kind} round-trips through the bundle and @sigstore/verify, and is used`, () => {
    const { signing, trusted } = keyPair(kind);
    const signed = signVsa(statement(), signing);
    const r = checkVsa({ bytes: signed.bundle, source: 'file' }, admission([trusted]));
    assert.equal(r.used, true, r.reason);
    assert.match(r.reason, /^VSA_USED/);
    // The bare envelope inside verifies by hand too (the cosign .att form).
    assert.equal(checkVsa({ bytes: signed.envelope, source: 'att' }, admission([trusted])).used, true);
    const bundle = JSON.parse(signed.bundle.toString()) as { verificationMaterial: { publicKey: { hint: string } } };
    assert.equal(bundle.verificationMaterial.publicKey.hint, trusted.hint);
  });
}

test('each tampered part of a VSA keeps it from being used, with its own reason', () => {
  const { signing, trusted } = keyPair('ec');
  const good = signVsa(statement(), signing).bundle;
  const cases: [string, Buffer, Partial<VsaAdmission>, RegExp][] = [
    ['payload', tamper(good, (e) => (e.payload = Buffer.from(JSON.stringify(statement({ verificationResult: 'PASSED' }, `sha256:${'cd'.repeat(32)}`))).toString('base64'))), {}, /^VSA_SIGNATURE_INVALID/],
    ['signature', tamper(good, (e) => { const s = e.signatures[0]; if (s) s.sig = Buffer.alloc(70, 1).toString('base64'); }), {}, /^VSA_SIGNATURE_INVALID/],
    ['subject', signVsa(statement({}, `sha256:${'cd'.repeat(32)}`), signing).bundle, {}, /^VSA_SUBJECT_MISMATCH/],
    ['policy digest', signVsa(statement({ policy: { digest: { sha256: '00'.repeat(32) } } }), signing).bundle, {}, /^VSA_POLICY_MISMATCH/],
    ['policy digest missing', signVsa(statement({ policy: { uri: 'x' } }), signing).bundle, {}, /^VSA_POLICY_MISMATCH: .* missing/],
    ['result', signVsa(statement({ verificationResult: 'FAILED', verifiedLevels: ['FAILED'] }), signing).bundle, {}, /^VSA_RESULT_MISMATCH/],
    ['time (too old)', signVsa(statement({ timeVerified: '2026-05-01T00:00:00Z' }), signing).bundle, {}, /^VSA_TOO_OLD/],
    ['time (future)', signVsa(statement({ timeVerified: '2026-06-02T00:00:00Z' }), signing).bundle, {}, /^VSA_TIME_FUTURE/],
    ['time (not RFC 3339)', signVsa(statement({ timeVerified: 'yesterday' }), signing).bundle, {}, /^VSA_TIME_INVALID/],
    ['verifier', signVsa(statement({ verifier: { id: 'https://other.example/verifier' } }), signing).bundle, {}, /^VSA_VERIFIER_UNTRUSTED/],
    ['untrusted key', good, { keys: [keyPair('ed25519').trusted] }, /^VSA_SIGNATURE_INVALID/],
    ['this run evaluates other policies', good, { policiesDigest: policiesDigest([{ digest: `sha256:${'02'.repeat(32)}` }]) }, /^VSA_POLICY_MISMATCH/],
    ['not JSON', Buffer.from('{"payload":'), {}, /^VSA_MALFORMED/],
  ];
  for (const [what, bytes, patch, reason] of cases) {
    const r = checkVsa({ bytes, source: what }, admission([trusted], patch));
    assert.equal(r.used, false, what);
    assert.match(r.reason, reason, what);
  }
});

test('the shortest max age still admits a VSA verified just now; the policies digest ignores order and repeats', () => {
  const { signing, trusted } = keyPair('ed25519');
  const fresh = signVsa(statement({ timeVerified: NOW.toISOString() }), signing).bundle;
  assert.equal(checkVsa({ bytes: fresh, source: 'f' }, admission([trusted], { maxAgeMs: 1 })).used, true);
  const a = { digest: `sha256:${'0a'.repeat(32)}` };
  const b = { digest: `sha256:${'0b'.repeat(32)}` };
  assert.equal(policiesDigest([a, b]), policiesDigest([b, a, b]));
  assert.notEqual(policiesDigest([a]), policiesDigest([a, b]));
});

test('chooseVsa takes the first usable candidate and reports the last reason otherwise', () => {
  const { signing, trusted } = keyPair('ec');
  const failed = signVsa(statement({ verificationResult: 'FAILED' }), signing).bundle;
  const good = signVsa(statement(), signing).bundle;
  assert.equal(chooseVsa([{ bytes: failed, source: 'a' }, { bytes: good, source: 'b' }], admission([trusted])).source, 'b');
  const none = chooseVsa([], admission([trusted]));
  assert.equal(none.used, false);
  assert.match(none.reason, /^VSA_NOT_FOUND/);
  assert.match(chooseVsa([{ bytes: failed, source: 'a' }, { bytes: failed, source: 'c' }], admission([trusted])).reason, /none of 2 VSAs.*VSA_RESULT_MISMATCH/);
});

test("slsa-verifier's key-id rule: a signature naming another key id does not count", () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const trusted = trustedKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }), 'k.pub');
  const payload = Buffer.from(JSON.stringify(statement()));
  const read = (bytes: Buffer) => {
    const r = readVsaDocument(bytes, 1 << 20);
    assert.ok(r.ok);
    return r.document;
  };
  assert.equal(verifyVsaSignature(read(envelope(payload, pair.privateKey, '')), [trusted]).ok, true);
  assert.equal(verifyVsaSignature(read(envelope(payload, pair.privateKey, trusted.keyId)), [trusted]).ok, true);
  const named = read(envelope(payload, pair.privateKey, 'keystore://other'));
  const out = verifyVsaSignature(named, [trusted]);
  assert.equal(out.ok, false);
  assert.equal(out.ok ? '' : out.code, 'VSA_KEY_ID_MISMATCH');
  assert.equal(verifyVsaSignature(named, [trusted], 'keystore://other').ok, true);
  assert.match(trusted.keyId, /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('levels: SLSA_BUILD_LEVEL_2 is reached by level 3, not by another track; other levels only by themselves', () => {
  assert.ok(levelReached('SLSA_BUILD_LEVEL_2', ['SLSA_BUILD_LEVEL_3']));
  assert.ok(levelReached('SLSA_BUILD_LEVEL_3', ['SLSA_BUILD_LEVEL_3']));
  assert.ok(!levelReached('SLSA_BUILD_LEVEL_3', ['SLSA_BUILD_LEVEL_2']));
  assert.ok(!levelReached('SLSA_BUILD_LEVEL_1', ['SLSA_SOURCE_LEVEL_3']));
  assert.ok(levelReached('BCID_L1', ['BCID_L1']));
  assert.ok(!levelReached('BCID_L1', ['BCID_L2']));
});

test('hostile VSA documents: deep nesting, huge lists, a payload that is not a VSA; none is used, none hangs', { timeout: 60_000 }, () => {
  const { signing, trusted } = keyPair('ed25519');
  const deep = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  assert.equal(readVsaDocument(deep, 1 << 20).ok, false);
  assert.equal(readVsaDocument(Buffer.alloc(2 << 20, 32), 1 << 20).ok, false);
  const manyLevels = statement({ verifiedLevels: Array.from({ length: 20_000 }, (_, i) => `L${i}`) });
  assert.equal(readVsaStatement(Buffer.from(JSON.stringify(manyLevels))).ok, false);
  const deepPayload = Buffer.from(`{"_type":"https://in-toto.io/Statement/v1","predicate":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
  assert.equal(checkVsa({ bytes: envelope(deepPayload, signing.privateKey), source: 'deep' }, admission([trusted])).used, false);
  const provenance = Buffer.from(JSON.stringify({ ...statement(), predicateType: 'https://slsa.dev/provenance/v1' }));
  const r = checkVsa({ bytes: envelope(provenance, signing.privateKey), source: 'prov' }, admission([trusted]));
  assert.equal(r.used, false);
  assert.match(r.reason, /^VSA_PREDICATE_TYPE/);
  const proto = Buffer.from(JSON.stringify(statement()).replace('"subject":[{"name":"img","digest":{', '"subject":[{"name":"img","digest":{"__proto__":"x",'));
  assert.equal(checkVsa({ bytes: envelope(proto, signing.privateKey), source: 'proto' }, admission([trusted])).used, true);
});
