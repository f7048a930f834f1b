import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toImageOptions } from '../cli/options.js';
import { noopLogger } from '../context.js';
import type { Evidence } from '../evidence/index.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { tempDir } from '../testing/registry.js';
import { collectImageEvidence } from './image.js';

// containers/image's own expectations for these fixtures are in signature/policy_eval_sigstore_test.go.
const FIXTURES = 'containers-image/signature/fixtures';
const KEY = realdata(`${FIXTURES}/cosign.pub`);
const REF = '192.168.64.2:5000/cosign-signed-single-sample';
const ctx = { now: new Date('2026-01-01T00:00:00Z'), log: noopLogger };
const collect = (ref: string, flags: Record<string, unknown>, readContents = false): Promise<Evidence> =>
  collectImageEvidence({ ...toImageOptions(ref, { platform: 'linux/amd64', ...flags }), readContents }, ctx);
const signature = (e: Evidence) => e.checks.find((c) => c.id === 'image.signature');
const keyed = { key: KEY, 'insecure-ignore-tlog': true };

test('dir: key-signed fixtures verify with cosign.pub, and only for the reference they name', needsRealdata(), async () => {
  for (const d of ['dir-img-cosign-valid', 'dir-img-cosign-valid-2', 'dir-img-cosign-mixed']) {
    const e = await collect(`dir:${realdata(`${FIXTURES}/${d}`)}`, { ...keyed, 'docker-reference': REF });
    assert.equal(signature(e)?.status, 'pass', `${d}: ${JSON.stringify(e.signatures)}`);
  }
  const wrongRef = await collect(`dir:${realdata(`${FIXTURES}/dir-img-cosign-valid`)}`, { ...keyed, 'docker-reference': 'testing/manifest:notlatest' });
  assert.equal(signature(wrongRef)?.status, 'fail');
  const tagged = realdata(`${FIXTURES}/dir-img-cosign-valid-with-tag`);
  assert.equal(signature(await collect(`dir:${tagged}`, { ...keyed, 'docker-reference': '192.168.64.2:5000/skopeo-signed:tag' }))?.status, 'pass');
  assert.equal(signature(await collect(`dir:${tagged}`, { ...keyed, 'docker-reference': '192.168.64.2:5000/skopeo-signed:othertag' }))?.status, 'fail');
  // Another key, a changed manifest, a payload that is not a signature: nothing verifies.
  assert.equal(signature(await collect(`dir:${realdata(`${FIXTURES}/dir-img-cosign-valid`)}`, { ...keyed, key: realdata(`${FIXTURES}/cosign2.pub`) }))?.status, 'fail');
  assert.equal(signature(await collect(`dir:${realdata(`${FIXTURES}/dir-img-cosign-modified-manifest`)}`, keyed))?.status, 'fail');
  assert.equal(signature(await collect(`dir:${realdata(`${FIXTURES}/dir-img-cosign-other-attachment`)}`, keyed))?.status, 'fail');
  // Without a log proof a key signature is not accepted unless the user says so.
  assert.equal(signature(await collect(`dir:${realdata(`${FIXTURES}/dir-img-cosign-valid`)}`, { key: KEY }))?.status, 'fail');
});

test('dir: a Fulcio certificate with its Rekor SET verifies keyless; without the SET it does not', needsRealdata(), async () => {
  const who = { 'certificate-identity': 'mitr@redhat.com', 'certificate-oidc-issuer': 'https://github.com/login/oauth', 'docker-reference': '192.168.64.2:5000/cosign-signed/fulcio-rekor-1' };
  const src = realdata(`${FIXTURES}/dir-img-cosign-fulcio-rekor-valid`);
  assert.equal(signature(await collect(`dir:${src}`, who))?.status, 'pass');
  assert.equal(signature(await collect(`dir:${src}`, { ...who, 'certificate-identity': 'someone@example.com' }))?.status, 'fail');
  const t = tempDir('vouch-dir-set-');
  try {
    cpSync(src, t.dir, { recursive: true });
    const file = join(t.dir, 'signature-1');
    const bytes = readFileSync(file);
    const start = bytes.indexOf(0x0a) + 1;
    const doc = JSON.parse(bytes.subarray(start).toString('utf8')) as { annotations: Record<string, string> };
    delete doc.annotations['dev.sigstore.cosign/bundle'];
    writeFileSync(file, Buffer.concat([bytes.subarray(0, start), Buffer.from(JSON.stringify(doc))]));
    assert.equal(signature(await collect(`dir:${t.dir}`, who))?.status, 'fail');
  } finally {
    t.remove();
  }
});

test('dir: a directory written by skopeo copy is read whole, layers included', needsRealdata(), async () => {
  const t = tempDir('vouch-dir-skopeo-');
  try {
    const out = join(t.dir, 'img');
    const r = spawnSync('skopeo', ['copy', '--quiet', `oci:${realdata('google-go-containerregistry/pkg/v1/layout/testdata/test_index_one_image')}`, `dir:${out}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `skopeo copy: ${r.stderr}`);
    const e = await collect(`dir:${out}`, {}, true);
    assert.equal(e.checks.find((c) => c.id === 'image.layers')?.status, 'pass');
    assert.equal(e.subject.digest, 'sha256:98ceaf93e482fe91b9bfd6bba07137c098e49ee2d55e69f09fb6c951e75e0e46');
    assert.equal(e.inventory?.fileCount, 1);
    assert.equal(e.checks.find((c) => c.id === 'image.signatures.lookup')?.status, 'pass');
    // From a docker save archive skopeo keeps the plain tar layer under Docker's gzip layer type,
    // which containerd and Docker read by its first bytes: so does vouch.
    const fromArchive = join(t.dir, 'from-archive');
    const a = spawnSync('skopeo', ['copy', '--quiet', `docker-archive:${realdata('google-go-containerregistry/pkg/v1/tarball/testdata/test_image_1.tar')}`, `dir:${fromArchive}`], { encoding: 'utf8' });
    assert.equal(a.status, 0, `skopeo copy: ${a.stderr}`);
    const layered = await collect(`dir:${fromArchive}`, {}, true);
    assert.equal(layered.checks.find((c) => c.id === 'image.layers')?.status, 'pass');
    assert.equal(layered.inventory?.fileCount, 2);
  } finally {
    t.remove();
  }
});
