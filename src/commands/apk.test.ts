import assert from 'node:assert/strict';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { endlessApkIndex, randomIndexLines } from '../sources/apk/build-apk.js';
import { jsonOf, runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { samplePath } from '../testing/sample.js';

const WOLFI_KEY = realdata('wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub');

test('vouch apk: a signed package passes (exit 0, one JSON report)', needsRealdata(), async () => {
  const r = await runCli(['apk', realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk'), '--apk-key', WOLFI_KEY, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = jsonOf(r);
  assert.equal(report['verdict'], 'pass');
});

test('vouch apk: an unsigned package fails (exit 1), a missing key file cannot be checked (exit 3)', needsRealdata(), async () => {
  const unsigned = await runCli(['apk', realdata('chainguard-dev-apko/pkg/apk/apk/testdata/hello-0.1.0-r0.apk'), '--apk-key', WOLFI_KEY, '--format', 'json']);
  assert.equal(unsigned.code, 1, unsigned.stderr);
  assert.equal(jsonOf(unsigned)['verdict'], 'fail');
  const badKey = await runCli(['apk', realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk'), '--apk-key', '/nonexistent/key.rsa.pub', '--format', 'json']);
  assert.equal(badKey.code, 3);
  assert.equal((jsonOf(badKey)['error'] as { code: string }).code, 'TRUST_MATERIAL_INVALID');
});

test('vouch apk: a bare package name without --repository is a usage error (exit 2)', async () => {
  const r = await runCli(['apk', 'hello-wolfi', '--format', 'json']);
  assert.equal(r.code, 2);
});

const SAMPLE_KEY = samplePath('keys', 'vouch-sample.rsa.pub');
const SAMPLE_FLAT = samplePath('apk', 'x86_64');

test('vouch apk APKINDEX.tar.gz: the index is verified on its own (subject apk-index), exit 0; unsigned for the key, exit 1', async () => {
  const r = await runCli(['apk', join(SAMPLE_FLAT, 'APKINDEX.tar.gz'), '--apk-key', SAMPLE_KEY, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = jsonOf(r) as { verdict: string; evidence: { subject: { kind: string }; checks: { id: string; code: string; details?: Record<string, unknown> }[] } };
  assert.equal(report.evidence.subject.kind, 'apk-index');
  assert.deepEqual(report.evidence.checks.map((c) => c.code), ['APK_INDEX_FORMAT_OK', 'APK_INDEX_SIGNATURE_VERIFIED']);
  assert.equal(report.evidence.checks[0]?.details?.['packages'], 3);
  const text = await runCli(['apk', join(SAMPLE_FLAT, 'APKINDEX.tar.gz'), '--apk-key', samplePath('keys', 'rogue-builder.rsa.pub')]);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /apk-index/);
  assert.match(text.stdout, /APKINDEX lists 3 packages/);
});

test('vouch apk --repository <flat folder>: the package is found beside the index (exit 0); an absent one is exit 3 saying what was verified', async () => {
  const r = await runCli(['apk', 'hello', '--repository', SAMPLE_FLAT, '--apk-key', SAMPLE_KEY, '--arch', 'x86_64', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'vouch-apk-cli-'));
  try {
    copyFileSync(join(SAMPLE_FLAT, 'APKINDEX.tar.gz'), join(dir, 'APKINDEX.tar.gz'));
    const absent = await runCli(['apk', 'hello', '--repository', dir, '--apk-key', SAMPLE_KEY, '--arch', 'x86_64', '--format', 'json']);
    assert.equal(absent.code, 3, absent.stderr);
    assert.match(absent.stderr, /Verified: the index .* Not verified: the package \[NOT_FOUND\]/);
    const error = (jsonOf(absent) as { error: { code: string; details: { verified: { kind: string }; notVerified: { kind: string } } } }).error;
    assert.deepEqual([error.code, error.details.verified.kind, error.details.notVerified.kind], ['NOT_FOUND', 'apk-index', 'apk']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vouch apk: --arch outside apk arch names is exit 2; a private key as --apk-key is exit 3 and never printed', async () => {
  for (const arch of ['../x', '..', 'x86_64/../..']) {
    const r = await runCli(['apk', 'hello', '--repository', SAMPLE_FLAT, '--apk-key', SAMPLE_KEY, '--arch', arch]);
    assert.equal(r.code, 2, `${arch}: ${r.stderr}`);
    assert.match(r.stderr, /--arch must be an apk architecture name/);
  }
  const privatePath = samplePath('keys', 'vouch-sample.rsa');
  const body = readFileSync(privatePath, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
  for (const args of [['--apk-key', privatePath], ['--apk-key', SAMPLE_KEY, '--apk-key', privatePath]]) {
    const r = await runCli(['apk', join(SAMPLE_FLAT, 'hello-2.12-r0.apk'), ...args, '--format', 'json', '--verbose']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal((jsonOf(r)['error'] as { code: string }).code, 'TRUST_MATERIAL_INVALID');
    assert.match(r.stderr, /holds a private key/);
    for (const line of body) assert.ok(!r.stdout.includes(line.slice(0, 24)) && !r.stderr.includes(line.slice(0, 24)), 'key material echoed');
  }
});

test('vouch apk: an endless index over http stops at each cap: exit 3, LIMIT_EXCEEDED, the number and the flag named', { timeout: 120_000 }, async () => {
  let served = 0;
  const server = createServer((req, res) => {
    const lines = req.url === '/short/APKINDEX.tar.gz' ? 8 : 1000;
    const source = endlessApkIndex(randomIndexLines(lines));
    res.writeHead(200, { 'content-type': 'application/gzip' });
    void (async () => {
      try {
        for await (const chunk of source) {
          served += chunk.length;
          if (res.destroyed) break;
          if (!res.write(chunk)) await once(res, 'drain');
        }
      } catch {
        // the client went away
      } finally {
        await source.return(undefined);
        res.destroy();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const cases = [
      { url: `${base}/long/APKINDEX.tar.gz`, flag: '--max-index-decompressed-size', value: '4MiB', number: 4 * 1024 ** 2 },
      { url: `${base}/long/APKINDEX.tar.gz`, flag: '--max-index-size', value: '1MiB', number: 1024 ** 2 },
      { url: `${base}/short/APKINDEX.tar.gz`, flag: '--max-index-lines', value: '20000', number: 20000 },
    ];
    for (const c of cases) {
      served = 0;
      const r = await runCli(['apk', c.url, '--apk-key', SAMPLE_KEY, c.flag, c.value, '--format', 'json']);
      assert.equal(r.code, 3, r.stderr);
      const error = (jsonOf(r) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'LIMIT_EXCEEDED');
      assert.ok(error.message.includes(String(c.number)) && error.message.includes(c.flag), error.message);
      // The download stopped near the cap instead of running on.
      assert.ok(served < 64 * 1024 ** 2, `${served} bytes served`);
    }
    const bad = await runCli(['apk', `${base}/long/APKINDEX.tar.gz`, '--apk-key', SAMPLE_KEY, '--max-index-lines', '0']);
    assert.equal(bad.code, 2, bad.stderr);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('vouch apk FILE --repository: the file is checked against the signed index (exit 0 listed, exit 1 not); many files give a summary verdict', needsRealdata(), async () => {
  const repo = realdata('chainguard-dev-apko/internal/cli/testdata/packages');
  const key = realdata('chainguard-dev-apko/internal/cli/testdata/melange.rsa.pub');
  const listed = await runCli(['apk', join(repo, 'x86_64', 'replayout-1.0.0-r0.apk'), '--repository', repo, '--arch', 'x86_64', '--apk-key', key, '--format', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(jsonOf(listed)['verdict'], 'pass');
  const unlisted = await runCli(['apk', join(repo, 'x86_64', 'tzdata-2023c-r0.apk'), '--repository', repo, '--arch', 'x86_64', '--apk-key', key, '--format', 'json']);
  assert.equal(unlisted.code, 1, unlisted.stderr);
  assert.equal(jsonOf(unlisted)['verdict'], 'fail');
  const both = await runCli(['apk', join(repo, 'x86_64', 'replayout-1.0.0-r0.apk'), join(repo, 'x86_64', 'pretend-baselayout-1.0.0-r0.apk'), '--repository', repo, '--arch', 'x86_64', '--apk-key', key, '--format', 'json']);
  assert.equal(both.code, 0, both.stderr);
  assert.deepEqual([jsonOf(both)['schema'], jsonOf(both)['verdict']], ['vouch.dev/batch-summary/v1', 'pass']);
});
