import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { verifyPrehashed } from './prehashed.js';

const digestOf = (alg: string, data: Buffer) => crypto.createHash(alg).update(data).digest();

for (const [curve, alg] of [['prime256v1', 'sha256'], ['secp384r1', 'sha384'], ['secp384r1', 'sha256'], ['prime256v1', 'sha512']] as const) {
  test(`ECDSA ${curve} over a ${alg} digest: valid signatures verify, any change fails`, () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
    const other = crypto.generateKeyPairSync('ec', { namedCurve: curve }).publicKey;
    for (let i = 0; i < 8; i++) {
      const data = crypto.randomBytes(40 + i);
      const sig = crypto.sign(alg, data, privateKey);
      const digest = digestOf(alg, data);
      assert.equal(verifyPrehashed(publicKey, alg, digest, sig), 'valid');
      assert.equal(verifyPrehashed(other, alg, digest, sig), 'invalid');
      const d2 = Buffer.from(digest);
      d2[i] = (d2[i] ?? 0) ^ 1;
      assert.equal(verifyPrehashed(publicKey, alg, d2, sig), 'invalid');
      const s2 = Buffer.from(sig);
      s2[s2.length - 1 - i] = (s2[s2.length - 1 - i] ?? 0) ^ 1;
      assert.equal(verifyPrehashed(publicKey, alg, digest, s2), 'invalid');
      assert.equal(verifyPrehashed(publicKey, alg, digest, Buffer.concat([sig, Buffer.from([0])])), 'invalid');
    }
  });
}

test('RSA PKCS#1 v1.5 over a digest; Ed25519 is unsupported', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('artifact');
  const sig = crypto.sign('sha256', data, privateKey);
  assert.equal(verifyPrehashed(publicKey, 'sha256', digestOf('sha256', data), sig), 'valid');
  assert.equal(verifyPrehashed(publicKey, 'sha256', digestOf('sha256', Buffer.from('other')), sig), 'invalid');
  assert.equal(verifyPrehashed(publicKey, 'sha512', digestOf('sha256', data), sig), 'invalid');
  const ed = crypto.generateKeyPairSync('ed25519');
  assert.equal(verifyPrehashed(ed.publicKey, 'sha256', digestOf('sha256', data), crypto.sign(null, data, ed.privateKey)), 'unsupported');
});

test('high-S signatures verify (OpenSSL accepts them, so cosign-made ones may be high-S)', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const data = Buffer.from('artifact');
  const sig = crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const r = sig.subarray(0, 32);
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const flipped = Buffer.concat([r, Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
  for (const candidate of [sig, flipped]) {
    assert.equal(crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, candidate), true);
    const der = Buffer.from(p256.Signature.fromBytes(candidate, 'compact').toBytes('der'));
    assert.equal(verifyPrehashed(publicKey, 'sha256', digestOf('sha256', data), der), 'valid');
  }
});

test('malformed signatures are invalid, never a throw', () => {
  const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  for (const sig of [Buffer.alloc(0), Buffer.from([0x30, 0x00]), crypto.randomBytes(70), Buffer.from('3006020100020100', 'hex')]) {
    assert.equal(verifyPrehashed(publicKey, 'sha256', Buffer.alloc(32), sig), 'invalid');
  }
});
