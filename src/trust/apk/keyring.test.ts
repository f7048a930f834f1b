import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { loadApkKeyring } from './keyring.js';

const dir = mkdtempSync(join(tmpdir(), 'vouch-keyring-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const invalid = (e: unknown): boolean => isVouchError(e) && e.code === 'TRUST_MATERIAL_INVALID';

test('loadApkKeyring: --apk-key files and --keyring directories (*.pub only)', needsRealdata(), async () => {
  const keyring = await loadApkKeyring({
    keys: [realdata('wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub')],
    keyrings: [realdata('chainguard-dev-apko/pkg/apk/apk/testdata/signing/keys')],
  });
  assert.equal(keyring.keys.length, 4);
  assert.equal(keyring.keys[0]?.name, 'wolfi-signing.rsa.pub');
  assert.equal(keyring.keys[0]?.modulusBytes, 512);
  assert.ok(keyring.keys.slice(1).every((k) => k.name.startsWith('chainguard-')));
});

test('loadApkKeyring: the default directory is used only when nothing is given, and may be absent', async () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const keys = join(dir, 'default');
  rmSync(keys, { recursive: true, force: true });
  assert.equal((await loadApkKeyring({ keys: [], keyrings: [], defaultDir: keys })).keys.length, 0);
  mkdirSync(keys);
  writeFileSync(join(keys, 'a.rsa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(keys, 'README'), 'not a key');
  writeFileSync(join(keys, '.SIGN.RSA.a.rsa.pub'), 'a signature, not a key');
  const loaded = await loadApkKeyring({ keys: [], keyrings: [], defaultDir: keys });
  assert.deepEqual(loaded.keys.map((k) => k.name), ['a.rsa.pub']);
  // Unusable files in a keyring directory are skipped and reported, never trusted.
  assert.deepEqual(loaded.skipped?.map((s) => s.path), [join(keys, '.SIGN.RSA.a.rsa.pub')]);
  const other = join(dir, 'other.pub');
  writeFileSync(other, publicKey.export({ type: 'spki', format: 'pem' }));
  assert.deepEqual((await loadApkKeyring({ keys: [other], keyrings: [], defaultDir: keys })).keys.map((k) => k.name), ['other.pub']);
});

test('loadApkKeyring: unreadable, non-PEM and non-RSA keys are TRUST_MATERIAL_INVALID', async () => {
  await assert.rejects(loadApkKeyring({ keys: [join(dir, 'missing.pub')], keyrings: [] }), invalid);
  await assert.rejects(loadApkKeyring({ keys: [], keyrings: [join(dir, 'no-such-dir')] }), invalid);
  const garbage = join(dir, 'garbage.pub');
  writeFileSync(garbage, '-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n');
  await assert.rejects(loadApkKeyring({ keys: [garbage], keyrings: [] }), invalid);
  const ec = join(dir, 'ec.pub');
  writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  await assert.rejects(loadApkKeyring({ keys: [ec], keyrings: [] }), invalid);
  assert.equal((await loadApkKeyring({ keys: [], keyrings: [dir] })).skipped?.length, 2);
});
