/**
 * "Offline" must mean no network at all (cosign's --offline still fetched TUF metadata; users
 * asked for a mode that provably opens no socket). Each verify command runs here with a preload
 * that ends the process on any socket connection or DNS lookup, on inputs that need nothing
 * remote: the embedded public-good trusted root, local files and layouts.
 */
import assert from 'node:assert/strict';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

const PRELOAD = pathToFileURL(fileURLToPath(new URL('../testing/no-network.mjs', import.meta.url))).href;
const offline = (args: readonly string[]): Promise<CliResult> => runCli([...args, '--format', 'json'], { env: { NODE_OPTIONS: `--import ${PRELOAD}` } });
const S = 'testdata/sample';
const IDENTITY = 'https://github.com/vouch-sample/build-workflows/.github/workflows/apko-publish.yml@refs/tags/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';

function assertNoNetwork(r: CliResult, expectedExit: number): void {
  assert.doesNotMatch(r.stderr, /NETWORK-ATTEMPT/, r.stderr);
  assert.equal(r.code, expectedExit, r.stderr);
}

describe('offline by default: no socket, no DNS lookup', () => {
  test('the preload really catches a connection attempt', async () => {
    const r = await offline(['image', 'registry.invalid/x:y', '--platform', 'linux/amd64']);
    assert.equal(r.code, 99);
    assert.match(r.stderr, /NETWORK-ATTEMPT/);
  });

  test('vouch apk on a local package', async () => {
    assertNoNetwork(await offline(['apk', `${S}/apk/x86_64/hello-2.12-r0.apk`, '--apk-key', `${S}/keys/vouch-sample.rsa.pub`]), 0);
  });

  test('vouch image on an OCI layout with key, keyless identity and provenance', async () => {
    const args = ['image', `oci:${S}/image:latest`, '--platform', 'linux/amd64', '--key', `${S}/keys/cosign.pub`, '--trusted-root', `${S}/trusted_root.json`];
    assertNoNetwork(await offline([...args, '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--source-uri', 'github.com/vouch-sample/hello']), 0);
  });

  test('vouch artifact with the embedded public-good trusted root', needsRealdata(), async () => {
    const dir = realdata('slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/gha_generic/v2.1.0');
    const r = await offline([
      'artifact', `${dir}/binary-linux-amd64-push-v14.2`, '--attestation', `${dir}/binary-linux-amd64-push-v14.2.intoto.jsonl`,
      '--source-uri', 'github.com/slsa-framework/example-package', '--source-tag', 'v14.2',
      '--builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml',
    ]);
    assertNoNetwork(r, 0);
  });
});
