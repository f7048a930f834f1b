import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonOf, runCli } from '../testing/cli.js';
import { SAMPLE_KEYS, sampleManifest } from '../testing/sample.js';

/**
 * `vouch image --contents auto|always|never` over the committed sample OCI layout: the layers are
 * read only when a policy judges them, and `never` with such a policy is "could not check", never a
 * pass that judged an inventory nobody read.
 */
const manifest = sampleManifest();
const digest = manifest.image.platforms['linux/amd64'] ?? '';
const ref = `oci:testdata/sample/image@${digest}`;
const trust = ['--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot, '--json'];

interface Report {
  readonly verdict: string;
  readonly evidence: { readonly checks: readonly { id: string; status: string; code: string }[]; readonly inventory: unknown; readonly reconciliation: unknown; readonly sbom: unknown };
}
const layers = (r: Report) => r.evidence.checks.filter((c) => c.id === 'image.layers').map((c) => `${c.status}:${c.code}`);

test('image --contents auto: a signature policy reads no layer, and the evidence says so', async () => {
  const r = await runCli(['image', ref, '--policy', 'signature', ...trust]);
  assert.equal(r.code, 0, r.stderr);
  const report = jsonOf(r) as unknown as Report;
  assert.equal(report.verdict, 'pass');
  assert.deepEqual(layers(report), ['skipped:CONTENTS_NOT_READ']);
  assert.equal(report.evidence.inventory, null);
  assert.equal(report.evidence.reconciliation, null);
  assert.equal(report.evidence.sbom, null);
});

test('image --contents auto with the default policy, and always, read the layers', async () => {
  for (const args of [['--contents', 'auto'], ['--policy', 'signature', '--contents', 'always']]) {
    const r = await runCli(['image', ref, ...args, ...trust]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    const report = jsonOf(r) as unknown as Report;
    assert.deepEqual(layers(report), ['pass:LAYERS_VERIFIED'], args.join(' '));
    assert.notEqual(report.evidence.inventory, null);
  }
});

test('image --contents never with a policy that judges the contents: exit 3 CONTENTS_REQUIRED before anything is read', async () => {
  for (const policy of ['default', 'sbom', 'strict']) {
    const r = await runCli(['image', ref, '--contents', 'never', '--policy', policy, '--source-uri', manifest.sourceUri, ...trust]);
    assert.equal(r.code, 3, `${policy}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`policy ${policy} judges the image contents.*CONTENTS_REQUIRED`));
    assert.equal((jsonOf(r)['error'] as { code: string }).code, 'CONTENTS_REQUIRED');
  }
  const ok = await runCli(['image', ref, '--contents', 'never', '--policy', 'signature', ...trust]);
  assert.equal(ok.code, 0, ok.stderr);
});

test('image --contents takes only auto, always or never (usage error otherwise)', async () => {
  const r = await runCli(['image', ref, '--contents', 'sometimes', ...trust]);
  assert.equal(r.code, 2, r.stderr);
});
