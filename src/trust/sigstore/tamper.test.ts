import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { MOCK_IDENTITY, MOCK_ISSUER, startSigstoreMock, statementFor } from '../../testing/sigstore-mock.js';
import type { SigstoreMock } from '../../testing/sigstore-mock.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { embeddedPublicGoodRoot, parseBundle, parseBundleJSON, trustFromJSON, verifyBundle } from './index.js';
import type { ArtifactInput, ParsedBundle, SigstoreTrust } from './index.js';
import { bundleToJSON } from '@sigstore/bundle';

/**
 * Every part of a valid bundle, altered, must make verification fail: never pass, never throw.
 * A parse failure counts as a failure (the bundle is refused before any trust is placed in it).
 */
const ARTIFACT = Buffer.from('hello wolfi apk\n');
const SHA256 = crypto.createHash('sha256').update(ARTIFACT).digest('hex');
const EXPECTED = { identity: MOCK_IDENTITY, issuer: MOCK_ISSUER };
const ARTIFACTS: ArtifactInput[] = [{ kind: 'bytes', bytes: ARTIFACT }, { kind: 'digest', digest: { algorithm: 'sha256', hex: SHA256 } }];

type Json = Record<string, unknown>;
let mock: SigstoreMock;
let trust: SigstoreTrust;
before(async () => {
  mock = await startSigstoreMock();
  trust = trustFromJSON(mock.trustedRoot, { source: 'mock' });
});
after(() => mock.stop());

/** Outcome of one verification: 'pass', or the failure code (parse or verification). */
function outcome(json: unknown, artifact: ArtifactInput, t: SigstoreTrust = trust, expected: object = EXPECTED): string {
  const p = parseBundleJSON(json);
  if (!p.ok) return p.code;
  const r = verifyBundle(p, artifact, t, expected);
  return r.verified ? 'pass' : r.code;
}

function get(obj: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], obj);
}
function set(obj: unknown, path: readonly (string | number)[], value: unknown): void {
  const parent = get(obj, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
}

/** Copies of the bundle, each with one byte of a base64 field flipped (first, middle, last). */
function flips(bundle: Json, path: readonly (string | number)[]): Json[] {
  const bytes = Buffer.from(get(bundle, path) as string, 'base64');
  return [0, Math.floor(bytes.length / 2), bytes.length - 1].map((i) => {
    const copy = structuredClone(bundle);
    const changed = Buffer.from(bytes);
    changed[i] = (changed[i] ?? 0) ^ 0x01;
    set(copy, path, changed.toString('base64'));
    return copy;
  });
}

function assertAllFail(variants: Json[], what: string, artifacts: ArtifactInput[] = ARTIFACTS, t: SigstoreTrust = trust): void {
  for (const v of variants) for (const a of artifacts) assert.notEqual(outcome(v, a, t), 'pass', `${what} (${a.kind}) passed`);
}

const cert = (b: Json): (string | number)[] => (get(b, ['verificationMaterial', 'certificate']) ? ['verificationMaterial', 'certificate', 'rawBytes'] : ['verificationMaterial', 'x509CertificateChain', 'certificates', 0, 'rawBytes']);
const entry = ['verificationMaterial', 'tlogEntries', 0];

describe('tampering with a message-signature bundle', () => {
  let v1: Json;
  let v2: Json;
  before(async () => {
    v1 = await mock.signBlob(ARTIFACT, { tsa: true });
    v2 = await mock.signBlob(ARTIFACT, { rekor: 'v2' });
    for (const a of ARTIFACTS) assert.equal(outcome(v1, a), 'pass');
    for (const a of ARTIFACTS) assert.equal(outcome(v2, a), 'pass');
  });

  test('signature', () => assertAllFail([...flips(v1, ['messageSignature', 'signature']), ...flips(v2, ['messageSignature', 'signature'])], 'signature'));
  test('message digest', () => assertAllFail(flips(v1, ['messageSignature', 'messageDigest', 'digest']), 'digest'));
  test('certificate', () => assertAllFail([...flips(v1, cert(v1)), ...flips(v2, cert(v2))], 'certificate'));
  test('SET', () => assertAllFail(flips(v1, [...entry, 'inclusionPromise', 'signedEntryTimestamp']), 'SET'));
  test('log entry body', () => assertAllFail([...flips(v1, [...entry, 'canonicalizedBody']), ...flips(v2, [...entry, 'canonicalizedBody'])], 'body'));
  test('inclusion proof root hash', () => assertAllFail([...flips(v1, [...entry, 'inclusionProof', 'rootHash']), ...flips(v2, [...entry, 'inclusionProof', 'rootHash'])], 'root hash'));
  test('log id (Rekor v2 entries carry no SET that would cover it)', () => assertAllFail([...flips(v1, [...entry, 'logId', 'keyId']), ...flips(v2, [...entry, 'logId', 'keyId'])], 'log id'));
  test('RFC 3161 timestamp', () => assertAllFail(flips(v2, ['verificationMaterial', 'timestampVerificationData', 'rfc3161Timestamps', 0, 'signedTimestamp']), 'tsa'));

  test('checkpoint text and signature', () => {
    const variants = [v1, v2].flatMap((b) => {
      const path = [...entry, 'inclusionProof', 'checkpoint', 'envelope'];
      const text = get(b, path) as string;
      const lines = text.split('\n');
      return [1, 2, lines.length - 2].map((i) => {
        const copy = structuredClone(b);
        const changed = [...lines];
        const line = changed[i] ?? '';
        // Flip one character of the line (digits and base64 stay in their alphabet), away from the
        // end: the last base64 character before "==" also carries spare bits no decoder reads.
        const at = Math.max(0, line.length - 6);
        changed[i] = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
        set(copy, path, changed.join('\n'));
        return copy;
      });
    });
    assertAllFail(variants, 'checkpoint');
  });

  test('integrated time and log index (covered by the SET)', () => {
    for (const field of ['integratedTime', 'logIndex']) {
      const copy = structuredClone(v1);
      set(copy, [...entry, field], String(Number(get(copy, [...entry, field])) + 1));
      assertAllFail([copy], field);
    }
  });

  test('an integrated time without its SET is not a signing time (moved into the certificate window, it proves nothing)', async () => {
    // Without the SET nothing signs integratedTime; the inclusion proof covers only the body.
    const moved = await mock.signBlob(ARTIFACT);
    for (const a of ARTIFACTS) assert.equal(outcome(moved, a), 'pass');
    const promise = [...entry, 'inclusionPromise'];
    const parent = get(moved, promise.slice(0, -1)) as Record<string, unknown>;
    delete parent['inclusionPromise'];
    set(moved, [...entry, 'integratedTime'], '1000000000');
    for (const a of ARTIFACTS) assert.notEqual(outcome(moved, a), 'pass', 'a certificate bundle whose only time is unsigned');
    // With a verified RFC 3161 timestamp beside it, the bundle verifies at the TSA's time, and the
    // unsigned integrated time is neither used nor reported.
    const withTsa = structuredClone(v2);
    const tsaEntry = get(withTsa, entry) as Record<string, unknown>;
    tsaEntry['integratedTime'] = '1000000000';
    const p = parseBundleJSON(withTsa);
    assert.ok(p.ok);
    const r = verifyBundle(p, ARTIFACTS[0] as ArtifactInput, trust, EXPECTED);
    assert.equal(r.verified, true, r.message);
    assert.notEqual(r.signedAt, new Date(1000000000 * 1000).toISOString());
    assert.equal(r.tlog[0]?.integratedTime, undefined);
  });

  test('a log entry for another artifact', async () => {
    const other = await mock.signBlob(Buffer.from('another artifact'));
    const copy = structuredClone(v1);
    set(copy, entry, get(other, entry));
    for (const a of ARTIFACTS) assert.equal(outcome(copy, a), 'TLOG_ENTRY_MISMATCH');
  });

  test('a checkpoint from another log (another key)', async () => {
    const root = structuredClone(mock.trustedRoot) as { tlogs: { publicKey: { rawBytes: string } }[] };
    root.tlogs[0]!.publicKey.rawBytes = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    assertAllFail([v1, v2], 'foreign log key', ARTIFACTS, trustFromJSON(root, { source: 'other log' }));
  });
});

describe('tampering with a DSSE bundle', () => {
  let dsse: Json;
  const digest: ArtifactInput = { kind: 'digest', digest: { algorithm: 'sha256', hex: SHA256 } };
  before(async () => {
    dsse = await mock.signStatement(statementFor(ARTIFACT));
    assert.equal(outcome(dsse, digest), 'pass');
  });
  test('payload', () => assertAllFail(flips(dsse, ['dsseEnvelope', 'payload']), 'payload', [digest]));
  test('envelope signature', () => assertAllFail(flips(dsse, ['dsseEnvelope', 'signatures', 0, 'sig']), 'sig', [digest]));
  test('certificate, SET, body', () => {
    assertAllFail([...flips(dsse, cert(dsse)), ...flips(dsse, [...entry, 'inclusionPromise', 'signedEntryTimestamp']), ...flips(dsse, [...entry, 'canonicalizedBody'])], 'dsse parts', [digest]);
  });
  test('payload type', () => {
    const copy = structuredClone(dsse);
    set(copy, ['dsseEnvelope', 'payloadType'], 'text/plain');
    assertAllFail([copy], 'payloadType', [digest]);
  });
  test('a second signature is refused', () => {
    const copy = structuredClone(dsse);
    const sigs = get(copy, ['dsseEnvelope', 'signatures']) as unknown[];
    sigs.push(sigs[0]);
    assert.equal(outcome(copy, digest), 'BUNDLE_INVALID');
  });
});

describe('malformed input: clear codes, no crash', () => {
  test('not JSON, not an object, unknown media type, too large', () => {
    assert.equal((parseBundle(Buffer.from('{"mediaType": ')) as { code: string }).code, 'BUNDLE_NOT_JSON');
    assert.equal((parseBundleJSON([1, 2]) as { code: string }).code, 'BUNDLE_INVALID');
    assert.equal((parseBundleJSON({ mediaType: 'application/vnd.dev.sigstore.bundle+json;version=99.9' }) as { code: string }).code, 'BUNDLE_UNSUPPORTED_MEDIA_TYPE');
    assert.equal((parseBundle(Buffer.alloc(2048, 0x20), 1024) as { code: string }).code, 'BUNDLE_TOO_LARGE');
  });

  test('wrong base64, negative integers, certificates that are not certificates', async () => {
    const good = await mock.signBlob(ARTIFACT);
    const badB64 = structuredClone(good);
    set(badB64, ['messageSignature', 'signature'], 'MEUCIQ$$$notbase64');
    assert.equal(outcome(badB64, ARTIFACTS[0]!), 'BUNDLE_INVALID');
    const negative = structuredClone(good);
    set(negative, [...entry, 'logIndex'], '-1');
    assert.equal(outcome(negative, ARTIFACTS[0]!), 'BUNDLE_INVALID');
    for (const garbage of [crypto.randomBytes(300), Buffer.from('-----BEGIN CERTIFICATE-----'), Buffer.alloc(0)]) {
      const copy = structuredClone(good);
      set(copy, cert(copy), garbage.toString('base64'));
      assert.notEqual(outcome(copy, ARTIFACTS[0]!), 'pass');
    }
  });

  test('random mutations of the whole JSON never pass or throw', async () => {
    const json = await mock.signBlob(ARTIFACT);
    const text = JSON.stringify(json);
    const original = (parseBundleJSON(json) as ParsedBundle).bundle;
    for (let i = 0; i < 200; i++) {
      const at = (i * 7919) % text.length;
      const mutated = text.slice(0, at) + String.fromCharCode(((text.charCodeAt(at) + 1 + (i % 5)) % 94) + 33) + text.slice(at + 1);
      const p = parseBundle(Buffer.from(mutated));
      if (!p.ok) continue;
      const r = verifyBundle(p, ARTIFACTS[i % 2]!, trust, EXPECTED);
      // A mutation may hit something the bundle does not carry (an unknown key); then it must
      // read back as the very same bundle.
      if (r.verified) assert.equal(normalized(p.bundle), normalized(original), `mutation at ${at} passed: ${JSON.stringify(text.slice(at - 40, at + 10))} -> ${JSON.stringify(mutated.slice(at - 40, at + 10))}`);
    }
  });
});

/**
 * The bundle as the verifier sees it. Checkpoint signature lines are compared by their decoded
 * bytes: base64's spare bits (before "=") are not read by any decoder, so changing them changes
 * nothing that is verified. The name on a signature line is not signed and not read either: the
 * line is chosen by its key hint and verified with the trusted log's key (checkpoint-log.ts).
 */
function normalized(bundle: ParsedBundle['bundle']): string {
  const json = bundleToJSON(bundle) as { verificationMaterial: { timestampVerificationData?: { rfc3161Timestamps?: unknown[] } } };
  // An empty timestampVerificationData and none at all carry the same (no) timestamps.
  if ((json.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []).length === 0) delete json.verificationMaterial.timestampVerificationData;
  return JSON.stringify(json).replace(/(\\u2014|—) (\S+) ([A-Za-z0-9+/=]+)\\n/g, (_m, dash: string, _name: string, sig: string) => `${dash} <name> ${Buffer.from(sig, 'base64').toString('base64')}\\n`);
}

describe('tampering with a real public-good bundle', () => {
  const dir = 'sigstore-sigstore-conformance/test/assets/bundle-verify';
  test('proof hashes, checkpoint and SET of happy-path-v0.2', needsRealdata(), async () => {
    const bundle = JSON.parse(readFileSync(realdata(`${dir}/happy-path-v0.2/bundle.sigstore.json`), 'utf8')) as Json;
    const artifact: ArtifactInput = { kind: 'bytes', bytes: readFileSync(realdata(`${dir}/a.txt`)) };
    const pg = trustFromJSON(await embeddedPublicGoodRoot(), { source: 'public-good' });
    const expected = { identity: 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com' };
    assert.equal(outcome(bundle, artifact, pg, expected), 'pass');
    const hashes = get(bundle, [...entry, 'inclusionProof', 'hashes']) as string[];
    assert.ok(hashes.length > 0);
    for (let i = 0; i < hashes.length; i++) {
      for (const v of flips(bundle, [...entry, 'inclusionProof', 'hashes', i])) assert.notEqual(outcome(v, artifact, pg, expected), 'pass', `hash ${i}`);
    }
    for (const v of flips(bundle, [...entry, 'inclusionPromise', 'signedEntryTimestamp'])) assert.notEqual(outcome(v, artifact, pg, expected), 'pass');
    for (const v of flips(bundle, [...entry, 'inclusionProof', 'rootHash'])) assert.equal(outcome(v, artifact, pg, expected), 'TLOG_PROOF_CHECKPOINT_MISMATCH');
  });
});
