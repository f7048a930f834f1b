import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { runCli } from '../../testing/cli.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { MOCK_IDENTITY, MOCK_ISSUER, startSigstoreMock } from '../../testing/sigstore-mock.js';
import type { SigstoreMock } from '../../testing/sigstore-mock.js';
import { parseBundleJSON, trustFromJSON, verifyBundle } from './index.js';
import type { SigstoreTrust } from './index.js';

/** Trusted roots with explicit JSON nulls (proto3: unset), and client trust configs. */
type Json = Record<string, unknown>;
const CTC = 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json';
const ARTIFACT = Buffer.from('trust inputs\n');
const EXPECTED = { identity: MOCK_IDENTITY, issuer: MOCK_ISSUER };

let mock: SigstoreMock;
let bundle: Json;
before(async () => {
  mock = await startSigstoreMock();
  bundle = await mock.signBlob(ARTIFACT, { rekor: 'v2' });
});
after(() => mock.stop());

const invalid = (doc: unknown, what: string): void =>
  assert.throws(() => trustFromJSON(doc, { source: what }), (e: unknown) => isVouchError(e) && e.code === 'TRUST_MATERIAL_INVALID', what);
function verifiesWith(trust: SigstoreTrust): boolean {
  const p = parseBundleJSON(bundle);
  assert.ok(p.ok);
  const r = verifyBundle(p, { kind: 'bytes', bytes: ARTIFACT }, trust, EXPECTED);
  assert.equal(r.verified, true, r.message);
  return r.verified;
}
/** The mock's root as a protobuf JSON writer that prints unset fields as null would write it. */
function withNulls(): Json {
  const root = structuredClone(mock.trustedRoot) as { tlogs: Json[]; ctlogs: Json[]; certificateAuthorities: Json[]; timestampAuthorities: Json[] };
  for (const log of [...root.tlogs, ...root.ctlogs]) {
    log['checkpointKeyId'] = null;
    log['operator'] = null;
    (log['publicKey'] as { validFor: Json }).validFor['end'] = null;
  }
  for (const ca of [...root.certificateAuthorities, ...root.timestampAuthorities]) {
    ca['operator'] = null;
    (ca['validFor'] as Json)['end'] = null;
  }
  return root;
}
const ctc = (root: unknown, extra: Json = {}): Json => ({ mediaType: CTC, trustedRoot: root, signingConfig: { mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json', caUrls: [], rekorTlogUrls: [] }, ...extra });

describe('trusted roots with JSON null fields', () => {
  test('null means unset: the root is accepted and verifies', () => {
    assert.equal(verifiesWith(trustFromJSON(withNulls(), { source: 'nulls' })), true);
  });

  test('what is really malformed still fails: a null validity, a null list element, a null key, deep nesting', () => {
    const noValidity = withNulls() as { tlogs: { publicKey: Json }[] };
    noValidity.tlogs[0]!.publicKey['validFor'] = null;
    invalid(noValidity, 'validFor null');
    const nullStart = withNulls() as { certificateAuthorities: { validFor: Json }[] };
    nullStart.certificateAuthorities[0]!.validFor['start'] = null;
    invalid(nullStart, 'start null');
    const nullItem = withNulls() as { tlogs: unknown[] };
    nullItem.tlogs.push(null);
    invalid(nullItem, 'null list element');
    const nullKey = withNulls() as { tlogs: Json[] };
    nullKey.tlogs[0]!['publicKey'] = null;
    invalid(nullKey, 'publicKey null');
    invalid({ ...withNulls(), mediaType: null }, 'mediaType null');
    invalid(null, 'null document');
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep, b: null };
    invalid({ ...withNulls(), extra: deep }, 'deep nesting');
  });
});

describe('client trust config (trust_config.json)', () => {
  test('its trusted root is used, in either JSON spelling, with nulls too', () => {
    assert.equal(verifiesWith(trustFromJSON(ctc(mock.trustedRoot), { source: 'ctc' })), true);
    assert.equal(verifiesWith(trustFromJSON({ mediaType: CTC, trusted_root: withNulls(), signing_config: null }, { source: 'ctc snake' })), true);
  });

  test('refused: no trusted root, both spellings, an unknown version, a malformed root inside', () => {
    invalid({ mediaType: CTC }, 'no root');
    invalid(ctc(null), 'null root');
    invalid(ctc(mock.trustedRoot, { trusted_root: mock.trustedRoot }), 'both spellings');
    invalid({ ...ctc(mock.trustedRoot), mediaType: 'application/vnd.dev.sigstore.clienttrustconfig.v0.9+json' }, 'unknown version');
    const root = structuredClone(mock.trustedRoot) as { tlogs: { publicKey: Json }[] };
    delete root.tlogs[0]!.publicKey['validFor'];
    invalid(ctc(root), 'malformed root');
    invalid(ctc({ ...mock.trustedRoot, mediaType: CTC }), 'a config nested in a config');
  });

  test('sigstore-python\'s trust_config files: v0.1 accepted, a bad media type refused', needsRealdata(), () => {
    const dir = 'sigstore-sigstore-python/test/assets/trust_config';
    const good = trustFromJSON(JSON.parse(readFileSync(realdata(`${dir}/config.v1.json`), 'utf8')), { source: 'config.v1.json' });
    assert.ok(good.tlogs.some((t) => t.baseUrl === 'https://rekor.sigstore.dev'));
    invalid(JSON.parse(readFileSync(realdata(`${dir}/config.badtype.json`), 'utf8')), 'config.badtype.json');
  });

  test('vouch artifact --trusted-root takes a trust config and a root with nulls; a malformed one is exit 3', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouch-trust-input-'));
    try {
      const file = join(dir, 'artifact.txt');
      const b = join(dir, 'artifact.sigstore.json');
      writeFileSync(file, ARTIFACT);
      writeFileSync(b, JSON.stringify(bundle));
      const files = { 'trust_config.json': ctc(withNulls()), 'nulls.json': withNulls(), 'bad.json': ctc({ ...withNulls(), tlogs: [null] }) };
      for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(doc));
      const run = (root: string) => runCli(['artifact', file, '--bundle', b, '--trusted-root', join(dir, root), '--certificate-identity', MOCK_IDENTITY, '--certificate-oidc-issuer', MOCK_ISSUER]);
      for (const good of ['trust_config.json', 'nulls.json']) {
        const r = await run(good);
        assert.equal(r.code, 0, `${good}: ${r.stdout}${r.stderr}`);
      }
      const bad = await run('bad.json');
      assert.equal(bad.code, 3, bad.stdout + bad.stderr);
      assert.match(bad.stderr + bad.stdout, /TRUST_MATERIAL_INVALID/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a random key in place of the log key is still refused as an untrusted log (control)', () => {
  const root = withNulls() as { tlogs: { publicKey: { rawBytes: string } }[] };
  root.tlogs[0]!.publicKey.rawBytes = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const p = parseBundleJSON(bundle);
  assert.ok(p.ok);
  assert.equal(verifyBundle(p, { kind: 'bytes', bytes: ARTIFACT }, trustFromJSON(root, { source: 'other key' }), EXPECTED).verified, false);
});
