import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EXIT } from '../cli/exit-codes.js';
import { runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

/**
 * Messages a person can act on: a system or crypto error becomes a sentence with the path and the
 * next step, mistakes in how a thing was named are usage errors found before any work, and what
 * cannot succeed is not retried for seconds.
 */
const APK = 'testdata/sample/apk/x86_64/hello-2.12-r0.apk';
const APK_KEY = 'testdata/sample/keys/vouch-sample.rsa.pub';
const COSIGN_KEY = 'testdata/sample/keys/cosign.pub';
const scratch = mkdtempSync(join(tmpdir(), 'vouch-messages-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('messages a person can act on', () => {
  test('a missing file: the path, "does not exist", and where relative paths start; no errno text', async () => {
    const r = await runCli(['apk', 'no-such.apk', '--apk-key', APK_KEY]);
    assert.equal(r.code, EXIT.COULD_NOT_CHECK);
    assert.match(r.stderr, /no-such\.apk does not exist \[NOT_FOUND\]/);
    assert.match(r.stderr, /hint: check the path; a relative path is taken from the current directory/);
    assert.doesNotMatch(r.stderr, /ENOENT|stat '/);
  });

  test('a directory given for a file says so', async () => {
    const r = await runCli(['apk', 'testdata', '--apk-key', APK_KEY]);
    assert.equal(r.code, EXIT.COULD_NOT_CHECK);
    assert.match(r.stderr, /testdata is a directory, not a regular file/);
  });

  test('a key of the wrong type: "an EC public key", what apk needs, and where the key belongs', async () => {
    const r = await runCli(['apk', APK, '--apk-key', COSIGN_KEY]);
    assert.equal(r.code, EXIT.COULD_NOT_CHECK);
    assert.match(r.stderr, /cosign\.pub is an EC public key, but apk signatures are made with RSA keys/);
    assert.match(r.stderr, /hint: .*vouch image --key/);
  });

  test('--output to a place that cannot be written is a usage error before any work', async () => {
    for (const out of [join(scratch, 'missing-dir', 'r.json'), scratch]) {
      const r = await runCli(['apk', APK, '--apk-key', APK_KEY, '--output', out]);
      assert.equal(r.code, EXIT.USAGE, r.stderr);
      assert.match(r.stderr, /usage error: --output /);
      assert.equal(r.stdout, '');
    }
  });

  test('an OCI layout directory named without oci: is a usage error that suggests oci:DIR', async () => {
    const r = await runCli(['image', 'testdata/sample/image', '--key', COSIGN_KEY]);
    assert.equal(r.code, EXIT.USAGE);
    assert.match(r.stderr, /testdata\/sample\/image is a local OCI layout directory/);
    assert.match(r.stderr, /hint: name it oci:testdata\/sample\/image/);
  });

  test('a skopeo dir: directory named without dir: is a usage error that suggests dir:DIR', needsRealdata(), async () => {
    const dir = realdata('containers-image/signature/fixtures/dir-img-cosign-valid');
    const r = await runCli(['image', dir, '--key', COSIGN_KEY]);
    assert.equal(r.code, EXIT.USAGE);
    assert.match(r.stderr, /written by skopeo's dir: transport/);
    assert.ok(r.stderr.includes(`hint: name it dir:${dir}`), r.stderr);
  });

  test('a refused connection is reported at once, not retried for seconds', { timeout: 60_000 }, async () => {
    // A port that was just free: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    const r = await runCli(['image', `127.0.0.1:${port}/acme/app:1`, '--key', COSIGN_KEY, '--allow-http-registry']);
    assert.equal(r.code, EXIT.COULD_NOT_CHECK, r.stderr);
    assert.match(r.stderr, /the connection was refused: nothing listens there \[NETWORK\]/);
    assert.doesNotMatch(r.stderr, /attempts|retries/);
  });
});
