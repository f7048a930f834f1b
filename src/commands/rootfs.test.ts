import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { jsonOf, runCli } from '../testing/cli.js';
import { entry, file, tar } from '../testing/raw-tar.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

/**
 * `vouch rootfs` on apko's golden image root (its x86_64 layer, a real apko build whose apk
 * database and melange SBOMs agree with its files), as the tar it is and unpacked by GNU tar into
 * a directory; then on copies with one packaged file modified, one file added and one removed:
 * each must fail, naming the path.
 */
const GOLDEN_LAYER = 'chainguard-dev-apko/internal/cli/testdata/golden/blobs/sha256/c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738';
const TIMEOUT = { timeout: 120_000 };

let work = '';
before(() => {
  work = mkdtempSync(join(tmpdir(), 'vouch-rootfs-cli-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** The golden layer unpacked into a new directory (device nodes only where mknod is allowed). */
function unpackGolden(name: string): string {
  const dir = join(work, name);
  spawnSync('mkdir', ['-p', dir]);
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync('tar', ['-x', '-z', '--no-same-owner', '-f', realdata(GOLDEN_LAYER), '-C', dir, ...(asRoot ? [] : ['--exclude=dev/*'])]);
  assert.equal(r.status, 0, r.stderr.toString());
  return dir;
}

interface Report {
  verdict: string;
  evidence: {
    subject: { kind: string; digest: string };
    checks: { id: string; status: string; code: string; details?: Record<string, unknown> }[];
    reconciliation: { summary: Record<string, number>; findings: { code: string; path?: string }[] };
    inventory: { source: string; packages: { name: string }[] };
  };
  results: { rule: string; status: string }[];
}

async function audit(target: string, ...extra: string[]): Promise<{ code: number | null; report: Report }> {
  const r = await runCli(['rootfs', target, '--format', 'json', ...extra]);
  assert.ok(r.stdout.length > 0, r.stderr);
  return { code: r.code, report: jsonOf(r) as unknown as Report };
}

const failedRules = (report: Report): string[] => report.results.filter((r) => r.status === 'fail').map((r) => r.rule).sort();
const findingsAt = (report: Report, path: string): string[] => report.evidence.reconciliation.findings.filter((f) => f.path === path).map((f) => f.code);

test('vouch rootfs passes on apko\'s golden root as a gzip tar: subject kind rootfs, digest of the file, the sbom policy by default', { ...needsRealdata(), ...TIMEOUT }, async () => {
  const { code, report } = await audit(realdata(GOLDEN_LAYER));
  assert.equal(code, 0, JSON.stringify(report.results.filter((r) => r.status === 'fail')));
  assert.equal(report.verdict, 'pass');
  assert.equal(report.evidence.subject.kind, 'rootfs');
  const sha = createHash('sha256').update(readFileSync(realdata(GOLDEN_LAYER))).digest('hex');
  assert.equal(report.evidence.subject.digest, `sha256:${sha}`);
  assert.equal(report.evidence.inventory.source, 'usr/lib/apk/db/installed');
  assert.deepEqual(report.evidence.inventory.packages.map((p) => p.name), ['pretend-baselayout', 'replayout']);
  assert.deepEqual(report.evidence.checks.map((c) => `${c.id}:${c.status}`), ['rootfs.apk-db:pass', 'rootfs.read:pass', 'rootfs.sbom.embedded:pass']);
  const read = report.evidence.checks.find((c) => c.id === 'rootfs.read');
  assert.deepEqual(read?.details?.['specialFiles'], ['dev/console', 'dev/null', 'dev/random', 'dev/urandom', 'dev/zero']);
  assert.equal(read?.details?.['symlinks'], 1, 'lib/apk -> ../usr/lib/apk, reported');
  assert.ok(report.results.some((r) => r.rule === 'rootfs-read-whole' && r.status === 'pass'));
  assert.equal(report.evidence.reconciliation.summary['modified'], 0);
  assert.equal(report.evidence.reconciliation.summary['missing'], 0);
});

test('vouch rootfs passes on the golden root unpacked into a directory; the directory digest is stable', { ...needsRealdata(), ...TIMEOUT }, async () => {
  const dir = unpackGolden('golden-dir');
  const first = await audit(dir);
  assert.equal(first.code, 0, JSON.stringify(first.report.results.filter((r) => r.status === 'fail')));
  assert.match(first.report.evidence.subject.digest, /^sha256:[0-9a-f]{64}$/);
  const again = await audit(dir);
  assert.equal(again.report.evidence.subject.digest, first.report.evidence.subject.digest);
  // The sbom policy is the default; the default policy demands a signer, which a root cannot have.
  const strictish = await audit(dir, '--policy', 'default');
  assert.equal(strictish.code, 1);
  assert.deepEqual(failedRules(strictish.report), ['signer-named']);
});

test('vouch rootfs fails on a copy with a packaged file modified, naming it', { ...needsRealdata(), ...TIMEOUT }, async () => {
  const dir = unpackGolden('modified');
  appendFileSync(join(dir, 'etc', 'os-release'), 'PRETTY_NAME="not what was installed"\n');
  const { code, report } = await audit(dir);
  assert.equal(code, 1);
  assert.deepEqual(findingsAt(report, 'etc/os-release'), ['FILE_MODIFIED']);
  assert.deepEqual(failedRules(report), ['owned-files-intact']);
});

test('vouch rootfs fails on a copy with a file added, naming it', { ...needsRealdata(), ...TIMEOUT }, async () => {
  const dir = unpackGolden('added');
  writeFileSync(join(dir, 'usr', 'lib', 'backdoor.so'), 'not installed by any package');
  const { code, report } = await audit(dir);
  assert.equal(code, 1);
  assert.deepEqual(findingsAt(report, 'usr/lib/backdoor.so'), ['FILE_UNOWNED']);
  assert.deepEqual(failedRules(report), ['no-unowned-files']);
});

test('vouch rootfs fails on a copy with a packaged file removed, naming it', { ...needsRealdata(), ...TIMEOUT }, async () => {
  const dir = unpackGolden('removed');
  rmSync(join(dir, 'etc', 'os-release'));
  const { code, report } = await audit(dir);
  assert.equal(code, 1);
  assert.deepEqual(findingsAt(report, 'etc/os-release'), ['FILE_MISSING']);
  assert.deepEqual(failedRules(report), ['owned-files-intact']);
});

test('vouch rootfs on a tar re-made by GNU tar from a modified copy fails too, naming the path; the text report names it', { ...needsRealdata(), ...TIMEOUT }, async () => {
  const dir = unpackGolden('retar');
  writeFileSync(join(dir, 'etc', 'os-release'), 'ID=evil\n');
  const out = join(work, 'retar.tar');
  assert.equal(spawnSync('tar', ['-c', '-f', out, '-C', dir, '.']).status, 0);
  const { code, report } = await audit(out);
  assert.equal(code, 1);
  assert.deepEqual(findingsAt(report, 'etc/os-release'), ['FILE_MODIFIED']);
  const text = await runCli(['rootfs', out]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /FILE_MODIFIED etc\/os-release/);
});

test('vouch rootfs: a symbolic link out of the root is reported, never followed; a ".wh." file in a tar is an ordinary unowned file', { ...needsRealdata(), ...TIMEOUT }, async () => {
  const dir = unpackGolden('links');
  symlinkSync('/etc/shadow', join(dir, 'etc', 'shadow-host'));
  const { code, report } = await audit(dir);
  assert.equal(code, 1);
  assert.deepEqual(findingsAt(report, 'etc/shadow-host'), ['FILE_UNOWNED']);
  // A whiteout name means nothing in a root filesystem: read as a whiteout it would hide itself.
  const hidden = join(work, 'whiteout.tar.gz');
  writeFileSync(hidden, gzipSync(tar([entry({ name: 'usr/', type: '5', mode: 0o755 }), file('usr/.wh.payload', 'hidden?')])));
  const wh = await audit(hidden);
  assert.equal(wh.code, 1);
  assert.deepEqual(findingsAt(wh.report, 'usr/.wh.payload'), ['FILE_UNOWNED']);
});

test('vouch rootfs: no apk database fails the sbom policy; a missing path, a FIFO and a malformed tar could not be checked (exit 3)', TIMEOUT, async () => {
  const empty = join(work, 'empty');
  spawnSync('mkdir', ['-p', join(empty, 'etc')]);
  writeFileSync(join(empty, 'etc', 'hello'), 'hi');
  const none = await audit(empty);
  assert.equal(none.code, 1);
  assert.ok(failedRules(none.report).includes('database-readable'));
  assert.equal((await runCli(['rootfs', join(work, 'absent')])).code, 3);
  const fifo = join(work, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const f = await runCli(['rootfs', fifo]);
  assert.equal(f.code, 3);
  assert.match(f.stderr, /neither a directory nor a regular file/);
  const junk = join(work, 'junk.tar');
  writeFileSync(junk, Buffer.concat([Buffer.from('not a tar at all'), Buffer.alloc(600, 0x41)]));
  assert.equal((await runCli(['rootfs', junk])).code, 3);
});
