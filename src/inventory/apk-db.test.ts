import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isVouchError } from '../errors.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { apkChecksumMatches, apkChecksumOfSha1, decodeApkChecksum, parseInstalledDb, readInstalledDb } from './apk-db.js';

const TESTDATA = 'chainguard-dev-apko/pkg/apk/apk/testdata';
const read = (p: string) => readFileSync(realdata(p), 'utf8');

test('apk-db: real Wolfi database (15 packages, SBOM entries, a: and M: lines)', needsRealdata(), () => {
  const pkgs = parseInstalledDb(read(`${TESTDATA}/installed/wolfi-base`));
  assert.equal(pkgs.length, 15);
  const base = pkgs.find((p) => p.name === 'wolfi-baselayout');
  assert.ok(base);
  assert.equal(base.version, '20230201-r23');
  assert.equal(base.arch, 'x86_64');
  assert.equal(base.license, 'MIT');
  assert.equal(base.commit, 'a2020bf03d408b2ef1585d7dc52c29ce88524a76');
  assert.equal(base.checksum, 'Q15GKR2cusJFuJW5jYQBxRRQK9xTs=');
  assert.equal(base.buildTime, new Date(1752789152 * 1000).toISOString());
  assert.equal(base.size, 13282);
  assert.deepEqual(base.provides, ['merged-bin', 'merged-lib', 'merged-sbin', 'merged-usrsbin']);
  assert.deepEqual(base.depends, ['ca-certificates-bundle']);
  const mtab = base.files.find((f) => f.path === 'etc/mtab');
  assert.deepEqual(mtab, { path: 'etc/mtab', uid: 0, gid: 0, mode: 0o777, checksum: 'Q1kiljhXXH1LlQroHsEJIkPZg2eiw=' });
  const busybox = pkgs.find((p) => p.name === 'busybox');
  assert.ok(busybox?.files.some((f) => f.path === 'var/lib/db/sbom/busybox-1.37.0-r47.spdx.json'));
  assert.ok(busybox?.files.some((f) => f.path === 'usr/bin/busybox' && f.mode === 0o755));
});

test('apk-db: root directory entries and M: after R: (bad-top-level-perms)', needsRealdata(), () => {
  const [pkg] = parseInstalledDb(read(`${TESTDATA}/installed/bad-top-level-perms`));
  assert.equal(pkg?.name, 'redis-operator-compat');
  assert.deepEqual(pkg?.dirs[0], { path: '', uid: 0, gid: 0, mode: 0o711 });
  assert.deepEqual(pkg?.files[0], { path: 'operator', uid: 0, gid: 0, mode: 0o777, checksum: 'Q1MpwFRrS6f7TyQUedTVkbLp8sNh4=' });
});

test('apk-db: real Alpine database', needsRealdata(), () => {
  const pkgs = parseInstalledDb(read(`${TESTDATA}/root/usr/lib/apk/db/installed`));
  assert.equal(pkgs.length, 14);
  assert.ok(pkgs.every((p) => p.arch === 'aarch64'));
  assert.ok(pkgs.flatMap((p) => p.files).every((f) => f.checksum === undefined || decodeApkChecksum(f.checksum)));
});

test('apk-db: checksums decode as apk writes them', () => {
  const sha1 = createHash('sha1').update('hello').digest('hex');
  assert.deepEqual(decodeApkChecksum(apkChecksumOfSha1(sha1)), { algorithm: 'sha1', hex: sha1 });
  assert.deepEqual(decodeApkChecksum(`X1${sha1}`), { algorithm: 'sha1', hex: sha1 });
  const sha256 = createHash('sha256').update('hello').digest();
  assert.equal(decodeApkChecksum(`Q1${sha256.toString('base64')}`)?.algorithm, 'sha256');
  for (const bad of ['', 'Q1', 'Q2abcd', 'Q1!!!!', `X1${sha1.slice(1)}`, 'Q1AAAA', `Q1${Buffer.alloc(20).toString('base64').slice(0, -2)}==`]) {
    assert.equal(decodeApkChecksum(bad), undefined, bad);
  }
});

test('apk-db: malformed records are problems, the good ones are kept', () => {
  const text = [
    'P:good', 'V:1-r0', 'F:usr/bin', 'R:tool', 'a:0:0:755', 'Z:Q1' + Buffer.alloc(20, 1).toString('base64'), '',
    'P:escapes', 'V:1-r0', 'F:../etc', 'R:x', 'F:usr', 'R:a/b', 'Z:Q1nothex', 'a:0:0:999', '',
    'V:2-r0', 'F:tmp', '',
    'P:good', 'V:3-r0', '',
    'garbage line', 'P:late', 'V:1', 't:99999999999999', '',
  ].join('\n');
  const { packages, problems } = readInstalledDb(text);
  assert.deepEqual(packages.map((p) => p.name), ['good', 'escapes', 'late']);
  const reasons = problems.map((p) => `${p.line}:${p.reason}`);
  assert.ok(reasons.some((r) => r.includes('".." in path')), reasons.join('\n'));
  assert.ok(reasons.some((r) => r.includes('R:a/b')));
  assert.ok(reasons.some((r) => r.includes('R: before any F:')));
  assert.ok(reasons.some((r) => r.includes('without P:')));
  assert.ok(reasons.some((r) => r.includes('recorded twice')));
  assert.ok(reasons.some((r) => r.includes('not a "X:value" line')));
  assert.ok(reasons.some((r) => r.includes('build time out of range')));
  assert.throws(() => parseInstalledDb(text), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED');
});

test('apk-db: limits are enforced', () => {
  const limits = { maxBytes: 1000, maxPackages: 2, maxEntries: 50, maxLineLength: 100 };
  const many = Array.from({ length: 3 }, (_, i) => `P:p${i}\nV:1\n`).join('\n');
  assert.throws(() => readInstalledDb(many, limits), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
  assert.throws(() => readInstalledDb('x'.repeat(1001), limits), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
  assert.throws(() => readInstalledDb('P:a\n'.repeat(51), limits), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED');
  const long = readInstalledDb(`P:a\nV:1\nT:${'x'.repeat(200)}\n`, limits);
  assert.equal(long.problems.length, 1);
});

/** Deterministic mutations (xorshift): never a crash; a damaged line is never silently accepted. */
test('apk-db: fuzz: mutations never crash', needsRealdata(), () => {
  const original = read(`${TESTDATA}/installed/wolfi-base`);
  let seed = 0x9e3779b9;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const junk = ['', ':', '/', '..', '\0', '\n', '\n\n', 'Z:', 'R:', 'F:', 'a:', 'Q1', '=', 'ÿ'];
  for (let i = 0; i < 2000; i++) {
    const at = rand(original.length);
    const cut = rand(8);
    const text = original.slice(0, at) + (junk[rand(junk.length)] ?? '') + original.slice(at + cut);
    const { packages, problems } = readInstalledDb(text);
    for (const p of packages) {
      for (const f of p.files) {
        assert.ok(!f.path.startsWith('/') && !f.path.split('/').includes('..'), f.path);
        if (f.checksum !== undefined) assert.ok(decodeApkChecksum(f.checksum));
      }
    }
    assert.ok(Array.isArray(problems));
  }
});

test('apk-db: a changed Z: line is either a problem or a different checksum', needsRealdata(), () => {
  const original = read(`${TESTDATA}/installed/wolfi-base`);
  const lines = original.split('\n');
  const index = lines.findIndex((l) => l.startsWith('Z:'));
  const before = lines[index] ?? '';
  for (const replacement of [before.slice(0, -2), `${before}A`, 'Z:Q1', 'Z:X1zz', before.replace('Q1', 'Q2')]) {
    lines[index] = replacement;
    const { problems } = readInstalledDb(lines.join('\n'));
    assert.ok(problems.some((p) => p.line === index + 1), replacement);
  }
});

test('apk-db: checksum comparison without decoding agrees with decoding', () => {
  for (const input of ['a', 'hello', 'x'.repeat(1000)]) {
    const sha1 = createHash('sha1').update(input).digest('hex');
    const other = createHash('sha1').update(`${input}!`).digest('hex');
    const sha256 = createHash('sha256').update(input).digest();
    assert.equal(apkChecksumMatches(apkChecksumOfSha1(sha1), sha1), true);
    assert.equal(apkChecksumMatches(apkChecksumOfSha1(sha1), other), false);
    assert.equal(apkChecksumMatches(`X1${sha1}`, sha1), true);
    assert.equal(apkChecksumMatches(`Q1${sha256.toString('base64')}`, sha256.toString('hex')), true);
    assert.equal(apkChecksumMatches(`Q1${sha256.toString('base64')}`, sha1), false);
  }
  assert.equal(apkChecksumMatches('Q1!!!!!!!!!!!!!!!!!!!!!!!!!!!=', 'a'.repeat(40)), undefined);
  assert.equal(apkChecksumMatches(`Q1${Buffer.alloc(20).toString('base64').slice(0, -2)}B=`, '0'.repeat(40)), undefined);
});
