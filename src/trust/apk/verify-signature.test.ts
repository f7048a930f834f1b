import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { DEFAULT_LIMITS } from '../../pipeline/options.js';
import { buildApk } from '../../sources/apk/build-apk.js';
import { readApk } from '../../sources/apk/read-apk.js';
import { readApkIndex } from '../../sources/apk/read-index.js';
import type { ApkContents } from '../../sources/apk/read-apk.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { loadApkKeyring } from './keyring.js';
import type { ApkKeyring, ApkTrustedKey } from './keyring.js';
import { verifyApkSignatures } from './verify-signature.js';
import type { ApkSignatureOutcome } from './verify-signature.js';

const WOLFI = 'wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub';
const MELANGE = 'chainguard-dev-apko/internal/cli/testdata/melange.rsa.pub';

async function outcomeFor(apk: ApkContents, keyring: ApkKeyring): Promise<ApkSignatureOutcome> {
  return verifyApkSignatures(apk.signatures, (a) => createHash(a).update(apk.control.compressed).digest(), keyring);
}

async function real(path: string, keys: readonly string[]): Promise<ApkSignatureOutcome> {
  const apk = await readApk(createReadStream(realdata(path)), DEFAULT_LIMITS);
  return outcomeFor(apk, await loadApkKeyring({ keys: keys.map(realdata), keyrings: [] }));
}

test('verifyApkSignatures: real packages give distinct outcomes', needsRealdata(), async () => {
  const verified = await real('chainguard-dev-melange/pkg/sign/testdata/test.apk', [MELANGE, WOLFI]);
  assert.equal(verified.status, 'verified');
  assert.equal(verified.status === 'verified' && verified.key.name, 'wolfi-signing.rsa.pub');
  assert.equal((await real('chainguard-dev-apko/internal/cli/testdata/packages/x86_64/replayout-1.0.0-r0.apk', [MELANGE])).status, 'verified');
  assert.equal((await real('chainguard-dev-apko/pkg/apk/apk/testdata/alpine-316/alpine-baselayout-3.2.0-r23.apk', ['alpine-keys-transcribed/alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub'])).status, 'verified');
  assert.equal((await real('chainguard-dev-melange/pkg/sca/testdata/aws-c-s3-0.4.9-r0.apk', [WOLFI])).status, 'bad-signature');
  assert.equal((await real('chainguard-dev-melange/pkg/linter/testdata/hello-wolfi-2.12.1-r1.apk', [WOLFI])).status, 'untrusted-key');
  assert.equal((await real('chainguard-dev-melange/pkg/sign/testdata/test.apk', ['chainguard-dev-melange/pkg/sign/testdata/test.pem.pub'])).status, 'untrusted-key');
  assert.equal((await real('chainguard-dev-apko/pkg/apk/apk/testdata/hello-0.1.0-r0.apk', [WOLFI])).status, 'unsigned');
  assert.equal((await real('chainguard-dev-melange/pkg/sign/testdata/test.apk', [])).status, 'no-trusted-keys');
});

function keyringOf(...keys: { name: string; publicKey: KeyObject }[]): ApkKeyring {
  const trusted: ApkTrustedKey[] = keys.map(({ name, publicKey }) => ({
    name,
    path: name,
    key: publicKey,
    modulusBytes: (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8,
    fingerprint: name,
  }));
  return { keys: trusted, sources: [] };
}

test('verifyApkSignatures: RSA, RSA256 and RSA512; the key name is only a hint', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  for (const algorithm of ['RSA', 'RSA256', 'RSA512'] as const) {
    const apk = await readApk([await buildApk({ signer: { privateKey, keyName: 'signer.rsa.pub', algorithm } })], DEFAULT_LIMITS);
    assert.equal((await outcomeFor(apk, keyringOf({ name: 'signer.rsa.pub', publicKey }))).status, 'verified', algorithm);
    // Renamed key file: found by trying every trusted key.
    assert.equal((await outcomeFor(apk, keyringOf({ name: 'x.pub', publicKey: other.publicKey }, { name: 'renamed.pub', publicKey }))).status, 'verified');
    // A trusted key of the right name that did not sign it: bad signature, not trust by name.
    assert.equal((await outcomeFor(apk, keyringOf({ name: 'signer.rsa.pub', publicKey: other.publicKey }))).status, 'bad-signature');
  }
});

test('verifyApkSignatures: malformed signatures (wrong length, empty, unknown algorithm)', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyring = keyringOf({ name: 's.pub', publicKey: createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })) });
  const apk = await readApk([await buildApk({ signer: { privateKey, keyName: 's.pub' } })], DEFAULT_LIMITS);
  const entry = apk.signatures?.[0];
  assert.ok(entry);
  const digest = (a: 'sha1' | 'sha256' | 'sha512'): Buffer => createHash(a).update(apk.control.compressed).digest();
  assert.equal(verifyApkSignatures([{ ...entry, signature: entry.signature.subarray(1) }], digest, keyring).status, 'malformed');
  assert.equal(verifyApkSignatures([{ ...entry, signature: Buffer.alloc(0) }], digest, keyring).status, 'malformed');
  assert.equal(verifyApkSignatures([{ ...entry, algorithm: 'DSA' }], digest, keyring).status, 'malformed');
  const flipped = Buffer.from(entry.signature);
  flipped[100] = (flipped[100] ?? 0) ^ 1;
  assert.equal(verifyApkSignatures([{ ...entry, signature: flipped }], digest, keyring).status, 'bad-signature');
  assert.equal(verifyApkSignatures([], digest, keyring).status, 'unsigned');
});

test('verifyApkSignatures: no single-byte mutation of a signed APKINDEX verifies', needsRealdata(), async () => {
  const original = readFileSync(realdata('chainguard-dev-apko/internal/cli/testdata/packages/x86_64/APKINDEX.tar.gz'));
  const keyring = await loadApkKeyring({ keys: [realdata(MELANGE)], keyrings: [] });
  const outcome = async (buf: Buffer): Promise<string> => {
    const index = await readApkIndex([buf], () => true, DEFAULT_LIMITS);
    return verifyApkSignatures(index.signatures, (a) => index.signedDigests[a], keyring).status;
  };
  assert.equal(await outcome(original), 'verified');
  let mutations = 0;
  // Bytes 3-9 of the signature member's gzip header (FTEXT, MTIME, XFL, OS) are advisory and unsigned.
  for (let position = 0; position < original.length; position += position < 700 ? 5 : 3) {
    if (position >= 3 && position <= 9) continue;
    const mutated = Buffer.from(original);
    mutated.writeUInt8(mutated.readUInt8(position) ^ 0x10, position);
    mutations += 1;
    try {
      assert.notEqual(await outcome(mutated), 'verified', `byte ${position}`);
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      assert.ok(isVouchError(err), `byte ${position}: ${String(err)}`);
    }
  }
  assert.ok(mutations > 200);
});
