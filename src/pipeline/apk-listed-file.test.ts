import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { noopLogger } from '../context.js';
import type { RunContext } from '../context.js';
import type { Check, Evidence } from '../evidence/index.js';
import { buildApkIndex, indexChecksumOf } from '../sources/apk/build-apk.js';
import { readApk } from '../sources/apk/read-apk.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { isPackageFileTarget } from '../trust/apk/index.js';
import { collectApkEvidence } from './apk.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ApkOptions } from './options.js';

// A package file given with --repository: verified as it is, then checked against the signed index.
const ctx: RunContext = { now: new Date('2026-01-01T00:00:00Z'), log: noopLogger };
const CLI = 'chainguard-dev-apko/internal/cli/testdata';
const MELANGE_KEY = `${CLI}/melange.rsa.pub`;
const LOCAL_MELANGE_KEY = `${CLI}/local-melange.rsa.pub`;
const ALPINE = 'chainguard-dev-apko/pkg/apk/apk/testdata/alpine-316';
const ALPINE_KEYS = 'alpine-keys-transcribed';

const options = (target: string, keys: readonly string[], extra: Partial<ApkOptions> = {}): ApkOptions => ({
  target: realdata(target),
  keys: keys.map(realdata),
  keyrings: [],
  arch: 'x86_64',
  limits: DEFAULT_LIMITS,
  ...extra,
});
const check = (e: Evidence, id: string): Check | undefined => e.checks.find((c) => c.id === id);
const failedCodes = (e: Evidence): string[] => e.checks.filter((c) => c.status === 'fail').map((c) => c.code).sort();

test('apk file + --repository: paths, .apk names and URLs are files; anything else is a name to look up', () => {
  for (const t of ['./hello.apk', 'hello-2.12-r0.apk', 'dir/hello', 'https://example.org/x86_64/hello-2.12-r0.apk']) assert.equal(isPackageFileTarget(t), true, t);
  for (const t of ['hello', 'hello=2.12-r0', 'py3.12-pip', '..']) assert.equal(isPackageFileTarget(t), false, t);
});

test('apk file + --repository: the signed index lists the file with its C: and S:, so it passes', needsRealdata(), async () => {
  const e = await collectApkEvidence(options(`${CLI}/packages/x86_64/pretend-baselayout-1.0.0-r0.apk`, [MELANGE_KEY], { repository: realdata(`${CLI}/packages`) }), ctx);
  assert.deepEqual(failedCodes(e), []);
  assert.equal(check(e, 'apk.index.checksum')?.code, 'APK_INDEX_CHECKSUM_MATCH');
  assert.equal(check(e, 'apk.index.signature')?.code, 'APK_INDEX_SIGNATURE_VERIFIED');
  assert.equal(check(e, 'apk.index.signature')?.details?.['layout'], 'arch');
  assert.equal(e.signatures.length, 2, 'the package signature and the index signature');
  assert.equal(e.subject.kind, 'apk');
  assert.equal(e.subject.name, 'pretend-baselayout');
});

test('apk file + --repository: a validly signed package the index does not list fails (APK_INDEX_NOT_LISTED)', needsRealdata(), async () => {
  // tzdata lies in the repository folder, signed by a trusted key, but the signed index does not publish it.
  const e = await collectApkEvidence(options(`${CLI}/packages/x86_64/tzdata-2023c-r0.apk`, [MELANGE_KEY, LOCAL_MELANGE_KEY], { repository: realdata(`${CLI}/packages`) }), ctx);
  assert.equal(check(e, 'apk.signature')?.status, 'pass');
  assert.deepEqual(failedCodes(e), ['APK_INDEX_NOT_LISTED']);
});

test('apk file + --repository: another build of the listed version fails the checksum; another arch is not listed', needsRealdata(), async () => {
  // The Alpine 3.16 index is x86_64 and lists alpine-baselayout 3.2.0-r23; the file beside it is the aarch64 build.
  const keyrings = [realdata(ALPINE_KEYS)];
  const x86 = await collectApkEvidence(options(`${ALPINE}/alpine-baselayout-3.2.0-r23.apk`, [], { keyrings, repository: realdata(ALPINE) }), ctx);
  assert.equal(check(x86, 'apk.signature')?.status, 'pass');
  assert.deepEqual(failedCodes(x86), ['APK_INDEX_CHECKSUM_MISMATCH']);
  const arm = await collectApkEvidence(options(`${ALPINE}/alpine-baselayout-3.2.0-r23.apk`, [], { keyrings, repository: realdata(ALPINE), arch: 'aarch64' }), ctx);
  assert.deepEqual(failedCodes(arm), ['APK_INDEX_NOT_LISTED']);
});

test('apk file + --repository: an index signed by an untrusted key fails its signature check', needsRealdata(), async () => {
  const e = await collectApkEvidence(options(`${CLI}/packages/x86_64/tzdata-2023c-r0.apk`, [LOCAL_MELANGE_KEY], { repository: realdata(`${CLI}/packages/x86_64/APKINDEX.tar.gz`) }), ctx);
  assert.deepEqual(failedCodes(e), ['APK_INDEX_NOT_LISTED', 'APK_INDEX_SIGNATURE_UNTRUSTED_KEY']);
  assert.equal(check(e, 'apk.index.signature')?.details?.['layout'], 'index-file');
});

const dir = mkdtempSync(join(tmpdir(), 'vouch-apk-listed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('apk file + --repository, hostile indexes: a correct C:/S: entry never passes from an unsigned or attacker-signed index; a huge listing is named in a bounded message', needsRealdata(), async () => {
  const file = realdata(`${CLI}/packages/x86_64/pretend-baselayout-1.0.0-r0.apk`);
  const apk = await readApk([readFileSync(file)], DEFAULT_LIMITS);
  const entry = `C:${indexChecksumOf(apk.control.compressed)}\nP:pretend-baselayout\nV:1.0.0-r0\nA:x86_64\nS:${apk.size}\n\n`;
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const repos = {
    unsigned: await buildApkIndex(entry),
    // Signed by another key under the trusted key's file name: the name grants nothing.
    attacker: await buildApkIndex(entry, { privateKey: attacker, keyName: 'melange.rsa.pub' }),
  };
  for (const [name, index] of Object.entries(repos)) {
    writeFileSync(join(dir, `${name}.tar.gz`), index);
    const e = await collectApkEvidence(options(`${CLI}/packages/x86_64/pretend-baselayout-1.0.0-r0.apk`, [MELANGE_KEY], { repository: join(dir, `${name}.tar.gz`) }), ctx);
    assert.equal(check(e, 'apk.index.checksum')?.code, 'APK_INDEX_CHECKSUM_MATCH', name);
    const failed = failedCodes(e);
    assert.equal(failed.length, 1, name);
    assert.match(failed[0] ?? '', name === 'unsigned' ? /^APK_INDEX_UNSIGNED$/ : /^APK_INDEX_SIGNATURE_/, name);
  }
  // 50,000 other versions of the same name: not listed, and the message names 20 of them.
  const many = Array.from({ length: 50_000 }, (_, i) => `C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:pretend-baselayout\nV:0.${i}-r0\nA:x86_64\nS:1\n\n`).join('');
  writeFileSync(join(dir, 'many.tar.gz'), await buildApkIndex(many));
  copyFileSync(file, join(dir, 'pretend-baselayout-1.0.0-r0.apk'));
  const e = await collectApkEvidence(options(`${CLI}/packages/x86_64/pretend-baselayout-1.0.0-r0.apk`, [MELANGE_KEY], { repository: join(dir, 'many.tar.gz') }), ctx);
  const notListed = check(e, 'apk.index.checksum');
  assert.equal(notListed?.code, 'APK_INDEX_NOT_LISTED');
  assert.equal(notListed?.details?.['listed'], 50_000);
  assert.equal((notListed?.details?.['versions'] as unknown[]).length, 20);
  assert.ok((notListed?.message.length ?? Infinity) < 2000, 'bounded message');
  assert.match(notListed?.message ?? '', /and 49980 more/);
});
