import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';

/**
 * `vouch vsa verify` on slsa-verifier's own VSA test data (Google's GCE image VSA, a bare DSSE
 * envelope with a keystore:// key id and an IEEE P1363 ECDSA signature), with the values of its
 * regression test; each wrong or missing value fails. Then on a VSA vouch wrote itself.
 */
const GCE = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/vsa/gce/v1';
const GOOD = {
  '--public-key-id': 'keystore://76574:prod:vsa_signing_public_key',
  '--subject-digest': 'gce_image_id:8970095005306000053',
  '--verifier-id': 'https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1',
  '--resource-uri': 'gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre',
};
const LEVELS = ['--verified-level', 'BCID_L1', '--verified-level', 'SLSA_BUILD_LEVEL_2'];

function gceArgs(patch: Partial<Record<keyof typeof GOOD, string | undefined>> = {}, extra: string[] = LEVELS): string[] {
  const values = { ...GOOD, ...patch };
  const flags = Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
  return ['vsa', 'verify', realdata(`${GCE}/gke-gce-pre.bcid-vsa.jsonl`), '--public-key', realdata(`${GCE}/vsa_signing_public_key.pem`), ...flags, ...extra];
}

const tmp = mkdtempSync(join(tmpdir(), 'vouch-vsa-verify-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("slsa-verifier's GCE VSA passes with the values of its regression test, in every output format", needsRealdata(), async () => {
  for (const format of ['text', 'json', 'sarif', 'junit', 'markdown', 'html']) {
    const r = await runCli([...gceArgs(), '--format', format]);
    assert.equal(r.code, 0, `${format}: ${r.stderr}\n${r.stdout.slice(0, 1500)}`);
    assert.ok(r.stdout.length > 0, format);
  }
  const json = JSON.parse((await runCli([...gceArgs(), '--json'])).stdout) as { verdict: string; subject: { kind: string } };
  assert.equal(json.verdict, 'pass');
  assert.equal(json.subject.kind, 'vsa');
});

test("slsa-verifier's GCE VSA fails with a wrong or missing key id, verifier id, resource URI, subject digest or level", needsRealdata(), async () => {
  const failing: [string, string[]][] = [
    ['missing key id (the envelope names keystore://…)', gceArgs({ '--public-key-id': undefined })],
    ['wrong key id', gceArgs({ '--public-key-id': 'keystore://76574:prod:other' })],
    ['wrong verifier id', gceArgs({ '--verifier-id': 'https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.2' })],
    ['wrong resource URI', gceArgs({ '--resource-uri': 'gce_image://gke-node-images:other' })],
    ['wrong subject digest', gceArgs({ '--subject-digest': 'gce_image_id:8970095005306000054' })],
    ['a level not reached', gceArgs({}, ['--verified-level', 'SLSA_BUILD_LEVEL_3'])],
    ['a custom level not reached', gceArgs({}, ['--verified-level', 'BCID_L2'])],
  ];
  for (const [what, args] of failing) {
    const r = await runCli([...args, '--json']);
    assert.equal(r.code, 1, `${what}: ${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as { verdict: string }).verdict, 'fail', what);
  }
  // Lower levels of the same track are reached: SLSA_BUILD_LEVEL_1 by level 2.
  assert.equal((await runCli(gceArgs({}, ['--verified-level', 'SLSA_BUILD_LEVEL_1']))).code, 0);
  // Another subject digest besides the right one: all given must be present.
  assert.equal((await runCli([...gceArgs(), '--subject-digest', 'sha256:00'])).code, 1);
});

test('vsa verify: usage errors exit 2, an unreadable file or key exits 3, garbage fails', needsRealdata(), async () => {
  assert.equal((await runCli(['vsa', 'verify', realdata(`${GCE}/gke-gce-pre.bcid-vsa.jsonl`), '--public-key', realdata(`${GCE}/vsa_signing_public_key.pem`)])).code, 2);
  assert.equal((await runCli(gceArgs({ '--subject-digest': 'no-colon' }))).code, 2);
  assert.equal((await runCli(['vsa', 'verify', join(tmp, 'absent.json'), ...gceArgs().slice(3)])).code, 3);
  const noKey = gceArgs();
  noKey[noKey.indexOf('--public-key') + 1] = '/dev/null';
  assert.equal((await runCli(noKey)).code, 3, 'a device is refused before it is opened');
  const notKey = join(tmp, 'not-a-key.pem');
  writeFileSync(notKey, 'hello');
  noKey[noKey.indexOf('--public-key') + 1] = notKey;
  assert.equal((await runCli(noKey)).code, 3, 'not a PEM key');
  const garbage = join(tmp, 'garbage.json');
  writeFileSync(garbage, `${'['.repeat(10_000)}`);
  const r = await runCli(['vsa', 'verify', garbage, ...gceArgs().slice(3), '--json']);
  assert.equal(r.code, 1, r.stderr);
});

test("vsa verify accepts vouch's own VSA bundle (key id empty, default --public-key-id)", { timeout: 120_000 }, async () => {
  const manifest = sampleManifest();
  const pair = generateKeyPairSync('ed25519');
  const key = join(tmp, 'vsa.key');
  const pub = join(tmp, 'vsa.pub');
  const out = join(tmp, 'sample.vsa.json');
  writeFileSync(key, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  const ref = `oci:${samplePath(manifest.image.layout)}:${manifest.image.tag}`;
  const digest = manifest.image.platforms['linux/amd64'] ?? '';
  const trust = ['--platform', 'linux/amd64', '--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot, '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri];
  const ci = await runCli(['image', ref, ...trust, '--vsa-key', key, '--vsa-output', out]);
  assert.equal(ci.code, 0, ci.stderr);
  assert.doesNotMatch(ci.stderr + ci.stdout, /PRIVATE KEY/);
  assert.doesNotMatch(readFileSync(out, 'utf8'), /PRIVATE/);
  const args = ['vsa', 'verify', out, '--public-key', pub, '--subject-digest', digest, '--verifier-id', 'https://vouch.dev/verifier', '--resource-uri', `${ref}@${digest}`];
  const r = await runCli([...args, '--verified-level', 'SLSA_BUILD_LEVEL_2', '--verified-level', 'VOUCH_SIGNATURE_VERIFIED']);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  // A VSA checked with another key fails.
  const other = join(tmp, 'other.pub');
  writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  assert.equal((await runCli(['vsa', 'verify', out, '--public-key', other, ...args.slice(5)])).code, 1);
  // Admission through the file written.
  const admit = await runCli(['image', ref, ...trust, '--vsa-public-key', pub, '--vsa', out, '--json']);
  assert.equal(admit.code, 0, admit.stderr);
  assert.equal((JSON.parse(admit.stdout) as { evidence: { vsa: { used: boolean } } }).evidence.vsa.used, true);
});
