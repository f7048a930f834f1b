import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

test('loadApkKeyring: a private key of any kind is refused, as --apk-key and in a keyring, and never echoed', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const pems: Record<string, string> = {
    pkcs8: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    pkcs1: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    encrypted: rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string,
    ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string,
    openssh: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
    // A public key first does not make a private key after it acceptable.
    both: `${rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string}${rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string}`,
  };
  const refused = (pem: string) => (e: unknown): boolean => {
    assert.ok(invalid(e), String(e));
    assert.match((e as Error).message, /holds a private key/);
    const body = pem.split('\n').find((l) => l.length > 20 && !l.startsWith('-----')) ?? '';
    assert.ok(!JSON.stringify({ m: (e as Error).message, d: (e as { details?: unknown }).details }).includes(body.slice(0, 16)), 'no key material in the error');
    return true;
  };
  for (const [kind, pem] of Object.entries(pems)) {
    const sub = join(dir, `private-${kind}`);
    mkdirSync(sub);
    // Named like a public key, as a misplaced melange.rsa would be after a careless rename.
    const file = join(sub, `${kind}.rsa.pub`);
    writeFileSync(file, pem);
    await assert.rejects(loadApkKeyring({ keys: [file], keyrings: [] }), refused(pem), kind);
    await assert.rejects(loadApkKeyring({ keys: [], keyrings: [sub] }), refused(pem), `${kind} in a keyring`);
  }
});

test('loadApkKeyring: a key path that is not a regular file, or is huge, is refused without reading it', { timeout: 60_000 }, async () => {
  const fifo = join(dir, 'fifo.rsa.pub');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(loadApkKeyring({ keys: [fifo], keyrings: [] }), (e: unknown) => invalid(e) && /not a regular file/.test((e as Error).message));
  await assert.rejects(loadApkKeyring({ keys: [dir], keyrings: [] }), invalid);
  const huge = join(dir, 'huge.rsa.pub');
  writeFileSync(huge, Buffer.alloc(1024 * 1024, 0x41));
  // Over the key-file cap is a limit (exit 3 like unusable trust material), named as such.
  await assert.rejects(loadApkKeyring({ keys: [huge], keyrings: [] }), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
  rmSync(fifo);
  rmSync(huge);
});

test('loadApkKeyring: keys parsed once per process are told apart by their bytes, never by their path', async () => {
  const sub = join(dir, 'memo');
  mkdirSync(sub);
  const pemOf = (): string => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const first = pemOf();
  writeFileSync(join(sub, 'a.rsa.pub'), first);
  writeFileSync(join(sub, 'b.rsa.pub'), first);
  const twice = await loadApkKeyring({ keys: [], keyrings: [sub] });
  assert.deepEqual(twice.keys.map((k) => [k.name, k.path]), [['a.rsa.pub', join(sub, 'a.rsa.pub')], ['b.rsa.pub', join(sub, 'b.rsa.pub')]]);
  assert.equal(twice.keys[0]?.fingerprint, twice.keys[1]?.fingerprint);
  // The same path with other bytes is another key: the file is read every time.
  writeFileSync(join(sub, 'a.rsa.pub'), pemOf());
  const changed = await loadApkKeyring({ keys: [join(sub, 'a.rsa.pub')], keyrings: [] });
  assert.notEqual(changed.keys[0]?.fingerprint, twice.keys[0]?.fingerprint);
  // Bytes that were refused are refused again; a private key never becomes a cached public key.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  writeFileSync(join(sub, 'a.rsa.pub'), rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }));
  for (let i = 0; i < 2; i++) await assert.rejects(loadApkKeyring({ keys: [join(sub, 'a.rsa.pub')], keyrings: [] }), invalid);
});

test('loadApkKeyring: a --keyring that is a key file is a named key (apko names key files): loaded, or refused when unusable, never skipped', async () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const file = join(dir, 'ring-file.rsa.pub');
  writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
  const loaded = await loadApkKeyring({ keys: [], keyrings: [file], defaultDir: join(dir, 'no-default') });
  assert.deepEqual(loaded.keys.map((k) => k.name), ['ring-file.rsa.pub']);
  assert.deepEqual(loaded.sources, [file]);
  const notKey = join(dir, 'ring-not-a-key.pub');
  writeFileSync(notKey, 'a signature, not a key');
  await assert.rejects(loadApkKeyring({ keys: [], keyrings: [notKey] }), invalid);
  await assert.rejects(loadApkKeyring({ keys: [], keyrings: [join(dir, 'absent.rsa.pub')] }), invalid);
});
