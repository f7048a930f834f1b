import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isVouchError } from '../errors.js';
import { runCli } from '../testing/cli.js';
import { SAMPLE_KEYS } from '../testing/sample.js';
import { configFromFlags, loadServeConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'vouch-serve-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string): string {
  const path = join(dir, `c${n++}.yaml`);
  writeFileSync(path, text);
  return path;
}
const config = (images: string, extra = '') => file(`apiVersion: vouch.dev/v1\nkind: AdmissionConfig\nspec:\n${extra}  images:\n${images}`);
const keyEntry = (pattern: string, more = '') => `    - pattern: "${pattern}"\n      key: ${SAMPLE_KEYS.cosign}\n${more}`;

async function invalid(path: string, message: RegExp): Promise<void> {
  await assert.rejects(loadServeConfig(path), (err: unknown) => isVouchError(err) && err.code === 'CONFIG_INVALID' && message.test(err.message));
}

test('serve config: entries keep their order, defaults are deny and enforce, policies default to signature (+ provenance)', async () => {
  const c = await loadServeConfig(
    config(`${keyEntry('registry.example.com/app/*', '      mode: warn\n')}    - pattern: "*"\n      key: ${SAMPLE_KEYS.cosign}\n      source-uri: github.com/acme/app\n`, '  platform: linux/arm64\n'),
  );
  assert.equal(c.unmatched, 'deny');
  assert.equal(c.platform, 'linux/arm64');
  assert.deepEqual(c.rules.map((r) => [r.label, r.mode, r.policies.map((p) => p.name)]), [
    ['images[0] registry.example.com/app/*', 'warn', ['signature']],
    ['images[1] *', 'enforce', ['signature', 'provenance']],
  ]);
  assert.notEqual(c.rules[0]?.entryDigest, c.rules[1]?.entryDigest, 'different entries, different cache keys');
  assert.match(c.rules[0]?.trustDigest ?? '', /^sha256:[0-9a-f]{64}$/);
});

test('serve config: what would verify less than meant, or nothing, is refused (CONFIG_INVALID)', async () => {
  await invalid(config(`${keyEntry('a/*')}      sorce-uri: github.com/acme/app\n`), /additional properties \(sorce-uri\)/);
  await invalid(config(`    - pattern: "a/*"\n      policy: [signature]\n`), /names no signer/);
  await invalid(config(keyEntry('a/*', '      policy: [default]\n')), /images\[0\] a\/\*: policy default judges the image contents/);
  await invalid(config(keyEntry('a/*', '      certificate-identity: x@example.com\n')), /needs its issuer/);
  await invalid(config(keyEntry('a/*', '      certificate-identity-regexp: "(a"\n      certificate-oidc-issuer: https://issuer\n')), /invalid regular expression/);
  await invalid(config(keyEntry('a/*', '      builder-id: https://builder\n')), /needs --source-uri/);
  await invalid(config(keyEntry('a/*'), '  unmatched: maybe\n'), /unmatched/);
  await invalid(file('apiVersion: vouch.dev/v1\nkind: Policy\nspec: {}\n'), /kind/);
  await invalid(file('a: [\n'), /not valid YAML/);
  await invalid(file(`${'['.repeat(500)}${']'.repeat(500)}`), /nested|deep/);
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
  await invalid(file(bomb), /not valid YAML/);
});

test('serve config: a missing key file is not a configuration that loads', async () => {
  await assert.rejects(loadServeConfig(config(`    - pattern: "a/*"\n      key: ${join(dir, 'missing.pub')}\n`)), (err: unknown) => isVouchError(err) && err.code === 'INPUT_UNREADABLE');
});

test('serve config: the command line makes one catch-all entry and needs a signer', async () => {
  const c = await configFromFlags({ key: SAMPLE_KEYS.cosign }, 'linux/amd64');
  assert.deepEqual(c.rules.map((r) => [r.pattern, r.mode, r.policies.map((p) => p.name)]), [['*', 'enforce', ['signature']]]);
  await assert.rejects(configFromFlags({}, undefined), (err: unknown) => isVouchError(err) && err.code === 'CONFIG_INVALID');
});

test('vouch serve --check-config: exit 0 when valid, 2 when not; --config with verification flags is a usage error', async () => {
  const good = config(keyEntry('registry.example.com/*'));
  const ok = await runCli(['serve', '--check-config', '--config', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ok: 1 image policy \(images\[0\] registry\.example\.com\/\*\); unmatched images: deny/);
  const bad = await runCli(['serve', '--check-config', '--config', config(keyEntry('a/*', '      policy: [strict]\n'))]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /CONFIG_INVALID/);
  const both = await runCli(['serve', '--check-config', '--config', good, '--key', SAMPLE_KEYS.cosign]);
  assert.equal(both.code, 2);
  const noTls = await runCli(['serve', '--key', SAMPLE_KEYS.cosign]);
  assert.equal(noTls.code, 2);
  assert.match(noTls.stderr, /needs --tls-cert and --tls-key/);
});

test('vouch policy lint checks admission configurations too', async () => {
  const ok = await runCli(['policy', 'lint', config(keyEntry('a/*'))]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const bad = await runCli(['policy', 'lint', config(`    - pattern: "a/*"\n`)]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /names no signer/);
});

test('serve config: an entry with vsa-public-key may judge the contents; its keys are part of the trust digest', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const pub = join(dir, 'vsa.pub');
  writeFileSync(pub, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const other = join(dir, 'vsa-other.pub');
  writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const c = await loadServeConfig(
    config(
      `${keyEntry('a/*', `      policy: [default]\n      vsa-public-key: [vsa.pub]\n      vsa-max-age: 24h\n      vsa-verifier-id: [https://ci.example/verifier]\n`)}${keyEntry('b/*', '      policy: [signature]\n      vsa-public-key: [vsa.pub]\n')}${keyEntry('c/*', '      policy: [signature]\n      vsa-public-key: [vsa-other.pub]\n')}`,
    ),
  );
  const [a, b, other2] = c.rules;
  assert.equal((a?.contentsPolicies.length ?? 0) > 0, true, 'default judges the contents: allowed with VSA keys');
  assert.equal(a?.vsa?.maxAgeMs, 24 * 3_600_000);
  assert.deepEqual(a?.vsa?.trustedVerifiers, ['https://ci.example/verifier']);
  assert.equal((b?.contentsPolicies.length ?? 0) > 0, false);
  assert.deepEqual(b?.vsa?.trustedVerifiers, ['https://vouch.dev/verifier'], 'the verifier defaults to vouch');
  assert.equal(b?.vsa?.maxAgeMs, 168 * 3_600_000, 'the maximum age defaults to a week');
  assert.notEqual(b?.trustDigest, other2?.trustDigest, 'another VSA key, another cache entry');
  const flags = await configFromFlags({ key: SAMPLE_KEYS.cosign, policy: ['default'], 'vsa-public-key': [pub] }, 'linux/amd64');
  assert.equal((flags.rules[0]?.contentsPolicies.length ?? 0) > 0, true, 'the command line catch-all takes --vsa-public-key too');
  await invalid(config(keyEntry('a/*', '      vsa-max-age: 24h\n')), /needs --vsa-public-key/);
  await invalid(config(keyEntry('a/*', '      vsa-public-key: [vsa.pub]\n      vsa-max-age: soon\n')), /positive duration/);
  await invalid(config(keyEntry('a/*', '      vsa-public-key: [vsa.pub]\n      vsa: hello.vsa.json\n')), /additional properties \(vsa\)/);
  await invalid(config(keyEntry('a/*', `      vsa-public-key: [${SAMPLE_KEYS.trustedRoot}]\n`)), /not a PEM public key/);
});
