import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { SAMPLE_KEYS, samplePath } from '../testing/sample.js';

/**
 * The sample apk repository served over real HTTP from a loopback server (node's http module
 * serving testdata/sample/apk), pulled by name with `vouch apk <name> --repository`. A second
 * path serves the same signed index but hands out the rogue-signed hello: the index vouches for
 * other bytes, so the pull must fail.
 */
let server: Server;
let base = '';
const served: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    served.push(url.pathname);
    const swapped = url.pathname.startsWith('/swapped/');
    const rel = normalize(decodeURIComponent(url.pathname.replace(/^\/(swapped|os)\//, '')));
    if (rel.startsWith('..') || rel.includes('\0')) return void res.writeHead(400).end();
    const file = swapped && rel === 'x86_64/hello-2.12-r0.apk' ? samplePath('tampered', 'unknown-key', 'hello-2.12-r0.apk') : samplePath('apk', rel);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const verdictOf = (r: CliResult) => (JSON.parse(r.stdout) as { verdict?: string }).verdict;

for (const arch of ['x86_64', 'aarch64']) {
  for (const name of ['hello', 'hello=2.12-r0', 'ca-certificates-bundle', 'sample-baselayout']) {
    test(`apk repository over http: ${name} (${arch}) passes`, async () => {
      const r = await runCli(['apk', name, '--repository', `${base}/os`, '--arch', arch, '--apk-key', SAMPLE_KEYS.apk, '--format', 'json']);
      assert.equal(r.code, 0, r.stderr || r.stdout.slice(0, 2000));
      assert.equal(verdictOf(r), 'pass');
      assert.ok(served.includes(`/os/${arch}/APKINDEX.tar.gz`), 'the index was fetched over HTTP');
    });
  }
}

test('apk repository over http: a package the signed index does not vouch for fails', async () => {
  const r = await runCli(['apk', 'hello', '--repository', `${base}/swapped`, '--arch', 'x86_64', '--apk-key', SAMPLE_KEYS.apk, '--format', 'json']);
  assert.equal(r.code, 1, r.stderr || r.stdout.slice(0, 2000));
  assert.equal(verdictOf(r), 'fail');
});

test('apk repository over http: without the sample key nothing passes', async () => {
  const r = await runCli(['apk', 'hello', '--repository', `${base}/os`, '--arch', 'x86_64', '--apk-key', SAMPLE_KEYS.rogueApk, '--format', 'json']);
  assert.notEqual(r.code, 0);
  assert.notEqual(r.code, 2);
});

test('apk twins: each fails for its own reason', async () => {
  for (const [twin, mention, check, rules] of [
    ['unknown-key', 'rogue-builder', 'apk.signature:APK_SIGNATURE_UNTRUSTED_KEY', ['checks-passed', 'signature-verified']],
    ['sbom-version', '2.12-r1', 'apk.sbom.package:SBOM_VERSION_MISMATCH', ['checks-passed']],
  ] as const) {
    const r = await runCli(['apk', samplePath('tampered', twin, 'hello-2.12-r0.apk'), '--apk-key', SAMPLE_KEYS.apk, '--format', 'json']);
    assert.equal(r.code, 1, `${twin}: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as { verdict: string; results: { rule: string; status: string }[]; evidence?: { checks?: { id: string; status: string; code: string; message: string; found?: string }[] } };
    assert.equal(report.verdict, 'fail');
    const failed = (report.evidence?.checks ?? []).filter((c) => c.status === 'fail');
    assert.equal(failed.length, 1, `${twin}: exactly one failing check, got ${failed.map((c) => c.code).join(', ')}`);
    assert.ok(JSON.stringify(failed).includes(mention), `${twin}: the failing check names ${mention}: ${JSON.stringify(failed)}`);
    assert.deepEqual(failed.map((c) => `${c.id}:${c.code}`), [check], `${twin}: the failing check`);
    assert.deepEqual(report.results.filter((x) => x.status === 'fail').map((x) => x.rule).sort(), [...rules], `${twin}: the failing rules`);
  }
});

test('the honest sample apk passes from a local path', async () => {
  const r = await runCli(['apk', join(samplePath('apk', 'x86_64'), 'hello-2.12-r0.apk'), '--apk-key', SAMPLE_KEYS.apk, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
});
