import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { noopLogger } from '../context.js';
import type { RunContext } from '../context.js';
import { isVouchError } from '../errors.js';
import type { VouchError } from '../errors.js';
import type { Check, Evidence } from '../evidence/index.js';
import { buildApk, buildApkIndex, indexChecksumOf } from '../sources/apk/build-apk.js';
import { readApk } from '../sources/apk/read-apk.js';
import { startFileServer } from '../testing/file-server.js';
import type { FileServer } from '../testing/file-server.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { samplePath } from '../testing/sample.js';
import { collectApkEvidence } from './apk.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ApkOptions } from './options.js';

const ctx: RunContext = { now: new Date('2026-01-01T00:00:00Z'), log: noopLogger };
const SAMPLE_KEY = samplePath('keys', 'vouch-sample.rsa.pub');
const SAMPLE_FLAT = samplePath('apk', 'x86_64');
const MELANGE_KEY = 'chainguard-dev-apko/internal/cli/testdata/melange.rsa.pub';
const MELANGE_INDEX = 'chainguard-dev-apko/internal/cli/testdata/packages/x86_64/APKINDEX.tar.gz';

const options = (target: string, keys: readonly string[], extra: Partial<ApkOptions> = {}): ApkOptions => ({ target, keys, keyrings: [], arch: 'x86_64', limits: DEFAULT_LIMITS, ...extra });
const check = (e: Evidence, id: string): Check | undefined => e.checks.find((c) => c.id === id);
const failedCodes = (e: Evidence): string[] => e.checks.filter((c) => c.status === 'fail').map((c) => c.code).sort();
const code = (c: string) => (e: unknown): boolean => isVouchError(e) && e.code === c;

const dir = mkdtempSync(join(tmpdir(), 'vouch-apk-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('apk index on its own: a signed real index is the subject (apk-index), with signature, DESCRIPTION and entry count', needsRealdata(), async () => {
  const path = realdata(MELANGE_INDEX);
  const e = await collectApkEvidence(options(path, [realdata(MELANGE_KEY)]), ctx);
  assert.deepEqual(failedCodes(e), []);
  assert.equal(e.subject.kind, 'apk-index');
  assert.equal(e.subject.reference, path);
  assert.equal(e.subject.digest, `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
  assert.deepEqual(e.checks.map((c) => `${c.id}:${c.code}`), ['apk.index.format:APK_INDEX_FORMAT_OK', 'apk.index.signature:APK_INDEX_SIGNATURE_VERIFIED']);
  assert.equal(check(e, 'apk.index.format')?.details?.['packages'], 4);
  assert.deepEqual(e.signatures.map((s) => [s.kind, s.verified, s.key]), [['apk-rsa', true, 'melange.rsa.pub']]);
  assert.equal(e.sbom, null);
  assert.equal(e.inventory, null);

  const alpine = await collectApkEvidence(
    options(realdata('chainguard-dev-apko/pkg/apk/apk/testdata/alpine-316/APKINDEX.tar.gz'), [realdata('alpine-keys-transcribed/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub')]),
    ctx,
  );
  assert.deepEqual(failedCodes(alpine), []);
  assert.equal(check(alpine, 'apk.index.format')?.details?.['description'], 'v3.16.3-13-g4d933a1fa3');
  assert.ok((check(alpine, 'apk.index.format')?.details?.['packages'] as number) > 4000);
});

test('apk index on its own: unsigned, single-stream and wrong-key real indexes fail', needsRealdata(), async () => {
  const run = async (path: string, key: string): Promise<string[]> => failedCodes(await collectApkEvidence(options(realdata(path), [realdata(key)]), ctx));
  const wolfiKey = 'wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub';
  assert.deepEqual(await run('wolfi-dev-wolfictl/pkg/apk/testdata/APKINDEX.tar.gz', wolfiKey), ['APK_INDEX_UNSIGNED']);
  assert.deepEqual(await run('chainguard-dev-apko/pkg/apk/apk/testdata/APKINDEX.tar.gz', wolfiKey), ['APK_INDEX_SIGNATURE_MALFORMED']);
  assert.deepEqual(await run(MELANGE_INDEX, wolfiKey), ['APK_INDEX_SIGNATURE_UNTRUSTED_KEY']);
  assert.deepEqual(await run('wolfi-dev-wolfictl/pkg/dag/testdata/packages/x86_64/APKINDEX.tar.gz', wolfiKey), []);
});

test('apk index on its own: a real index signed three times (one signature per Chainguard key) verifies with any one of the keys, not with a foreign key', needsRealdata(), async () => {
  const path = realdata('chainguard-dev-apko/pkg/apk/apk/testdata/signing/APKINDEX.tar.gz');
  const keys = ['0106f58bac88057c2ff5c2829850df492717a876ed700443550353c7ab23f5a0', '60912bbc46bfc8ed6bda0b50db3a8a5f3c4344d6bc8549ec9b84d96140b475d1', '61cb6bccd1f584b007db7be51ebce2b0530a54cc5a94e7650b570d113d537cf3'];
  for (const k of keys) {
    const e = await collectApkEvidence(options(path, [realdata(`chainguard-dev-apko/pkg/apk/apk/testdata/signing/keys/chainguard-${k}.rsa.pub`)]), ctx);
    assert.deepEqual(failedCodes(e), [], k);
    assert.deepEqual(e.signatures.filter((s) => s.verified).map((s) => s.key), [`chainguard-${k}.rsa.pub`], k);
  }
  const foreign = await collectApkEvidence(options(path, [realdata(MELANGE_KEY)]), ctx);
  assert.deepEqual(failedCodes(foreign), ['APK_INDEX_SIGNATURE_UNTRUSTED_KEY']);
});

test('apk index on its own: a generated index, and the same index under a package name', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = join(dir, 'gen.rsa.pub');
  writeFileSync(key, publicKey.export({ type: 'spki', format: 'pem' }));
  const index = await buildApkIndex('P:a\nV:1-r0\nA:x86_64\n\nP:b\nV:2-r0\nA:x86_64\n', { privateKey, keyName: 'gen.rsa.pub' });
  const path = join(dir, 'APKINDEX.7d1e0f00.tar.gz');
  writeFileSync(path, index);
  const e = await collectApkEvidence(options(path, [key]), ctx);
  assert.deepEqual(failedCodes(e), []);
  assert.equal(e.subject.kind, 'apk-index');
  assert.equal(check(e, 'apk.index.format')?.details?.['packages'], 2);
  assert.equal(check(e, 'apk.index.format')?.details?.['description'], 'synthetic');
  // The kind of subject comes from the name the user gave, never from the bytes: an index
  // handed over as a package is not a package.
  const disguised = join(dir, 'a-1-r0.apk');
  writeFileSync(disguised, index);
  await assert.rejects(collectApkEvidence(options(disguised, [key]), ctx), (err: unknown) => code('INPUT_MALFORMED')(err) && /repository index/.test((err as Error).message));
});

test('apk --repository: a flat folder (index at the root) and the index file itself', async () => {
  for (const repository of [SAMPLE_FLAT, join(SAMPLE_FLAT, 'APKINDEX.tar.gz')]) {
    const e = await collectApkEvidence(options('hello', [SAMPLE_KEY], { repository }), ctx);
    assert.deepEqual(failedCodes(e), [], repository);
    assert.equal(e.subject.kind, 'apk');
    assert.equal(e.subject.name, 'hello');
    assert.equal(check(e, 'apk.index.checksum')?.code, 'APK_INDEX_CHECKSUM_MATCH');
    assert.equal(check(e, 'apk.index.signature')?.details?.['layout'], repository.endsWith('.tar.gz') ? 'index-file' : 'flat');
  }
  // The standard layout is still found first.
  const standard = await collectApkEvidence(options('hello', [SAMPLE_KEY], { repository: samplePath('apk') }), ctx);
  assert.equal(check(standard, 'apk.index.signature')?.details?.['layout'], 'arch');
});

test('apk --repository: a real flat folder', needsRealdata(), async () => {
  const e = await collectApkEvidence(options('replayout', [realdata(MELANGE_KEY)], { repository: realdata('chainguard-dev-apko/internal/cli/testdata/packages/x86_64') }), ctx);
  assert.deepEqual(failedCodes(e), []);
  assert.equal(check(e, 'apk.index.signature')?.details?.['layout'], 'flat');
});

test('apk --repository: a package the index lists but the folder lacks is NOT_FOUND, naming what was and was not verified', async () => {
  const indexOnly = join(dir, 'index-only');
  rmSync(indexOnly, { recursive: true, force: true });
  mkdirSync(indexOnly);
  copyFileSync(join(SAMPLE_FLAT, 'APKINDEX.tar.gz'), join(indexOnly, 'APKINDEX.tar.gz'));
  const err = await collectApkEvidence(options('hello', [SAMPLE_KEY], { repository: indexOnly }), ctx).then(
    () => assert.fail('an absent package must not give a verdict'),
    (e: unknown) => e as VouchError,
  );
  assert.equal(err.code, 'NOT_FOUND');
  assert.match(err.message, /hello-2\.12-r0\.apk is listed by the index but absent/);
  assert.match(err.message, /Verified: the index .*APK_INDEX_SIGNATURE_VERIFIED, 3 packages\)\. Not verified: the package/);
  const details = err.details as { verified: { kind: string; checks: { code: string }[] }; notVerified: { kind: string; package: string } };
  assert.equal(details.verified.kind, 'apk-index');
  assert.deepEqual(details.verified.checks.map((c) => c.code), ['APK_INDEX_SIGNATURE_VERIFIED', 'APK_INDEX_FORMAT_OK']);
  assert.deepEqual([details.notVerified.kind, details.notVerified.package], ['apk', 'hello-2.12-r0.apk']);
  // No index at all, in either layout.
  await assert.rejects(collectApkEvidence(options('hello', [SAMPLE_KEY], { repository: join(dir, 'nothing-here') }), ctx), (e: unknown) => code('NOT_FOUND')(e) && /looked for .*x86_64\/APKINDEX\.tar\.gz and .*nothing-here\/APKINDEX\.tar\.gz/.test((e as Error).message));
});

test('apk --repository: only records for the arch (or noarch) are picked from a flat index', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = join(dir, 'arch.rsa.pub');
  writeFileSync(key, publicKey.export({ type: 'spki', format: 'pem' }));
  const flat = join(dir, 'mixed');
  mkdirSync(flat, { recursive: true });
  const signer = { privateKey, keyName: 'arch.rsa.pub' };
  const apk = await buildApk({ pkginfo: { pkgname: 'tool', pkgver: '1.0-r0', arch: 'aarch64' }, files: [{ name: 'usr/bin/tool', content: Buffer.from('x') }], signer });
  writeFileSync(join(flat, 'tool-1.0-r0.apk'), apk);
  const { control } = await readApk([apk], DEFAULT_LIMITS);
  writeFileSync(join(flat, 'APKINDEX.tar.gz'), await buildApkIndex(`C:${indexChecksumOf(control.compressed)}\nP:tool\nV:1.0-r0\nA:aarch64\nS:${apk.length}\n`, signer));
  await assert.rejects(collectApkEvidence(options('tool', [key], { repository: flat }), ctx), (e: unknown) => code('NOT_FOUND')(e) && /1\.0-r0 \(aarch64\)/.test(JSON.stringify((e as VouchError).hints)));
  const e = await collectApkEvidence(options('tool', [key], { repository: flat, arch: 'aarch64' }), ctx);
  assert.equal(e.subject.platform, 'aarch64');
  assert.deepEqual(failedCodes(e), []);
  assert.equal(check(e, 'apk.index.checksum')?.code, 'APK_INDEX_CHECKSUM_MATCH');
});

test('apk: an --arch that is not an apk arch name is a usage error before anything is read', async () => {
  for (const arch of ['../x', '..', 'x86_64/../../etc', '']) {
    await assert.rejects(collectApkEvidence(options('hello', ['/nonexistent.pub'], { repository: SAMPLE_FLAT, arch }), ctx), code('USAGE'), arch);
  }
});

let server: FileServer;
let base = '';
before(async () => {
  server = await startFileServer((path) => join(SAMPLE_FLAT, path));
  base = server.base;
});
after(() => server.close());

test('apk --repository: a flat http repository, its index URL, and the index URL as the subject', async () => {
  for (const repository of [base, `${base}/APKINDEX.tar.gz`]) {
    const e = await collectApkEvidence(options('sample-baselayout', [SAMPLE_KEY], { repository }), ctx);
    assert.deepEqual(failedCodes(e), [], repository);
  }
  const index = await collectApkEvidence(options(`${base}/APKINDEX.tar.gz`, [SAMPLE_KEY]), ctx);
  assert.equal(index.subject.kind, 'apk-index');
  assert.deepEqual(failedCodes(index), []);
});
