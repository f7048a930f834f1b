import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jsonOf, runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

/** `vouch sbom` as users run it (needs `npm run build`): exit 0 clean, 1 with issues, 3 not an SBOM. */

test('vouch sbom: a real melange SBOM reads cleanly (exit 0), as text and JSON', needsRealdata(), async () => {
  const file = realdata('chainguard-dev-apko/pkg/sbom/generator/spdx/testdata/apk_sboms/unbound-1.23.0-r0.spdx.json');
  const text = await runCli(['sbom', file]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /pkg:apk\/wolfi\/unbound@1\.23\.0-r0\?arch=x86_64/);
  assert.match(text.stdout, /read cleanly/);
  const json = await runCli(['sbom', file, '--format', 'json']);
  assert.equal(json.code, 0);
  const doc = jsonOf(json);
  assert.equal(doc['specVersion'], 'SPDX-2.3');
  assert.equal((doc['packages'] as unknown[]).length, 3);
  assert.deepEqual(doc['issues'], []);
});

test('vouch sbom: a document with issues exits 1 and lists them', needsRealdata(), async () => {
  const r = await runCli(['sbom', realdata('wolfi-dev-wolfictl/pkg/vex/testdata/git.spdx.json'), '--format', 'json']);
  assert.equal(r.code, 1);
  const issues = jsonOf(r)['issues'] as { path: string; reason: string }[];
  assert.ok(issues.some((i) => i.path === '/packages/3' && /downloadLocation/.test(i.reason)));
});

test('vouch sbom: not an SBOM, or not JSON, could not be checked (exit 3)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-sbom-'));
  try {
    writeFileSync(join(dir, 'a.json'), '{"hello": "world"}');
    writeFileSync(join(dir, 'b.json'), '{"spdxVersion": "SPDX-2.1"}');
    const notSbom = await runCli(['sbom', join(dir, 'a.json'), '--format', 'json']);
    assert.equal(notSbom.code, 3);
    assert.equal((jsonOf(notSbom)['error'] as { code: string }).code, 'INPUT_MALFORMED');
    const old = await runCli(['sbom', join(dir, 'b.json')]);
    assert.equal(old.code, 3);
    assert.match(old.stderr, /UNSUPPORTED_FORMAT/);
    const missing = await runCli(['sbom', join(dir, 'none.json')]);
    assert.equal(missing.code, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vouch sbom: CycloneDX is checked against its official JSON schema (the library loads its schema files at run time)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-sbom-'));
  try {
    const component = { type: 'library', name: 'x', version: '1.0', purl: 'pkg:npm/x@1.0' };
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [component] }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [{ ...component, type: 'no-such-type' }] }));
    const ok = await runCli(['sbom', join(dir, 'ok.json'), '--format', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(jsonOf(ok)['issues'], []);
    const bad = await runCli(['sbom', join(dir, 'bad.json'), '--format', 'json']);
    assert.equal(bad.code, 1, bad.stderr);
    const issues = jsonOf(bad)['issues'] as { path: string; reason: string }[];
    assert.ok(issues.some((i) => i.path === '/components/0/type' && /^schema:/.test(i.reason)), JSON.stringify(issues));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
