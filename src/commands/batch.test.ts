import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildApk } from '../sources/apk/build-apk.js';
import { writeGeneratedRepository } from '../testing/apk-repository.js';
import type { GeneratedRepository } from '../testing/apk-repository.js';
import { runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { samplePath } from '../testing/sample.js';

/**
 * Many subjects per run, through the CLI: files, a whole repository (--all) with a package that
 * fails and one that cannot be checked in the middle, JSONL, sharding, and vouch merge.
 */
const dir = mkdtempSync(join(tmpdir(), 'vouch-batch-cli-'));
let repo: GeneratedRepository;
const COUNT = 8;
before(async () => {
  repo = await writeGeneratedRepository(join(dir, 'repo'), COUNT);
  // pkg0003: another package under its name (signed by no trusted key, not what the index lists): fails.
  writeFileSync(repo.file(3), await buildApk({ pkginfo: { pkgname: 'pkg0003', pkgver: '1.0-r0', arch: 'x86_64' }, files: [{ name: 'evil', content: Buffer.from('x') }] }));
  // pkg0005: listed but absent: cannot be checked.
  unlinkSync(repo.file(5));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Line {
  subject: string;
  exitCode: number;
  verdict: string | null;
  cached: boolean;
  report: { verdict: string; evidence: { subject: { name?: string } } } | null;
  error: { code: string; message: string } | null;
}
const linesOf = (stdout: string): Line[] => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
const all = (...extra: string[]) => ['apk', '--repository', repo.root, '--all', '--arch', 'x86_64', '--apk-key', repo.key, ...extra];

test('vouch apk A B C: a summary row each, the exit code is the worst (fail 1)', async () => {
  const flat = samplePath('apk', 'x86_64');
  const key = samplePath('keys', 'vouch-sample.rsa.pub');
  const r = await runCli(['apk', join(flat, 'hello-2.12-r0.apk'), samplePath('tampered', 'unknown-key', 'hello-2.12-r0.apk'), join(flat, 'sample-baselayout-1.0-r0.apk'), '--apk-key', key]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^STATUS +SUBJECT/);
  assert.match(r.stdout, /^pass +.*hello-2\.12-r0\.apk/m);
  assert.match(r.stdout, /^FAIL +.*unknown-key\/hello-2\.12-r0\.apk/m);
  assert.match(r.stdout, /3 subjects: 2 passed, 1 failed, 0 could not be checked; 0 from the verdict cache; exit 1/);
  assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
  const md = await runCli(['apk', join(flat, 'hello-2.12-r0.apk'), join(flat, 'sample-baselayout-1.0-r0.apk'), '--apk-key', key, '--format', 'markdown']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /\| pass \| .*hello-2\.12-r0\.apk \|/);
  const json = await runCli(['apk', join(flat, 'hello-2.12-r0.apk'), join(flat, 'sample-baselayout-1.0-r0.apk'), '--apk-key', key, '--format', 'json']);
  const doc = JSON.parse(json.stdout) as { schema: string; totals: { subjects: number; exitCode: number }; subjects: unknown[] };
  assert.deepEqual([doc.schema, doc.totals.subjects, doc.totals.exitCode, doc.subjects.length], ['vouch.dev/batch-summary/v1', 2, 0, 2]);
});

test('vouch apk --repository DIR --all --format jsonl: one line per package in index order, a failing and an unreadable one in the middle, exit 3', { timeout: 120_000 }, async () => {
  const r = await runCli(all('--format', 'jsonl', '--jobs', '3'));
  assert.equal(r.code, 3, r.stderr);
  const lines = linesOf(r.stdout);
  assert.deepEqual(lines.map((l) => l.subject), repo.subjects);
  assert.deepEqual(lines.map((l) => l.exitCode), [0, 0, 0, 1, 0, 3, 0, 0]);
  assert.equal(lines[3]?.verdict, 'fail');
  assert.equal(lines[5]?.error?.code, 'NOT_FOUND');
  assert.match(lines[5]?.error?.message ?? '', /listed by the index but absent/);
  assert.equal(lines[0]?.report?.evidence.subject.name, 'pkg0000');
  assert.match(r.stderr, /8 subjects: 6 passed, 1 failed, 1 could not be checked/);
});

test('vouch apk: sharding splits the subjects, every pod from the same list; vouch merge puts the shards together', { timeout: 120_000 }, async () => {
  const files: string[] = [];
  const seen: string[] = [];
  for (let index = 0; index < 3; index++) {
    // The index from JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job gives it.
    const r = await runCli(all('--format', 'jsonl', '--shard-count', '3'), { env: { JOB_COMPLETION_INDEX: String(index) } });
    assert.ok(r.code === 0 || r.code === 1 || r.code === 3, r.stderr);
    const file = join(dir, `shard-${index}.jsonl`);
    writeFileSync(file, r.stdout);
    files.push(file);
    seen.push(...linesOf(r.stdout).map((l) => l.subject));
  }
  assert.deepEqual([...seen].sort(), [...repo.subjects].sort(), 'every subject in exactly one shard');
  const merged = await runCli(['merge', ...files]);
  assert.equal(merged.code, 3, merged.stderr);
  assert.match(merged.stdout, /8 subjects: 6 passed, 1 failed, 1 could not be checked; 0 from the verdict cache; exit 3/);
  assert.match(merged.stdout, /COULD NOT CHECK +pkg0005=1\.0-r0 .*NOT_FOUND/);
  const sarif = JSON.parse((await runCli(['merge', ...files, '--format', 'sarif'])).stdout) as { version: string; runs: { invocations: { executionSuccessful: boolean }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs.length, 8);
  assert.equal(sarif.runs.filter((run) => run.invocations[0]?.executionSuccessful === false).length, 1);
  const junit = await runCli(['merge', ...files, '--format', 'junit', '--output', join(dir, 'merged.xml')]);
  assert.equal(junit.code, 3);
  const xml = readFileSync(join(dir, 'merged.xml'), 'utf8');
  assert.match(xml, /<testsuite name="pkg0005=1\.0-r0" tests="1" failures="0" errors="1"/);
  assert.match(xml, /<testsuite name="pkg0003=1\.0-r0: default"/);
  assert.match(junit.stderr, /junit written to/);
  const jsonl = await runCli(['merge', ...files, '--format', 'jsonl']);
  assert.equal(linesOf(jsonl.stdout).length, 8);
  // Only the passing lines: exit 0 only when every subject merged passed.
  const passing = join(dir, 'passing.jsonl');
  writeFileSync(passing, `${jsonl.stdout.split('\n').filter((l) => l.includes('"exitCode":0,')).join('\n')}\n`);
  const ok = await runCli(['merge', passing, '--format', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual((JSON.parse(ok.stdout) as { totals: { subjects: number; passed: number } }).totals.passed, 6);
});

test('vouch merge: a tampered line stops the merge (exit 3); no results at all is exit 3; no file is exit 2', async () => {
  const r = await runCli(all('--format', 'jsonl'));
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  const forged = lines.map((l) => l.replace('"exitCode":1,"verdict":"fail"', '"exitCode":0,"verdict":"pass"'));
  const file = join(dir, 'forged.jsonl');
  writeFileSync(file, `${forged.join('\n')}\n`);
  const merged = await runCli(['merge', file]);
  assert.equal(merged.code, 3, merged.stderr);
  assert.match(merged.stderr, /forged\.jsonl:4: not a vouch batch line: exitCode 0 contradicts the verdict "fail" \[INPUT_MALFORMED\]/);
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, '');
  const none = await runCli(['merge', empty]);
  assert.equal(none.code, 3);
  assert.match(none.stderr, /name no subject/);
  assert.equal((await runCli(['merge'])).code, 2);
});

test('vouch apk batch flags: usage errors (exit 2) before any work', async () => {
  const cases: string[][] = [
    all('--jobs', '0'),
    all('--jobs', 'many'),
    all('--shard-index', '1'),
    all('--shard-count', '2', '--shard-index', '2'),
    all('--shard-count', '0', '--shard-index', '0'),
    all('--format', 'html'),
    all('--cache-ttl', '1h'),
    all('--cache', join(dir, 'cache'), '--cache-ttl', 'soon'),
    ['apk', '--all', '--apk-key', repo.key],
    ['apk', '--repository', repo.root, '--all', 'pkg0001'],
    ['apk', '--apk-key', repo.key],
    ['apk', repo.file(0), 'bare-name', '--apk-key', repo.key],
  ];
  for (const args of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing verified`);
  }
  const shardEnv = await runCli(all('--shard-count', '2'), { env: { JOB_COMPLETION_INDEX: '9' } });
  assert.equal(shardEnv.code, 2);
  assert.match(shardEnv.stderr, /from JOB_COMPLETION_INDEX/);
});

test('vouch apk with one subject keeps the single report; --format jsonl makes it one line', async () => {
  const one = await runCli(['apk', repo.file(0), '--apk-key', repo.key, '--format', 'json']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal((JSON.parse(one.stdout) as { schemaVersion: string }).schemaVersion, 'vouch.dev/report/v1');
  const line = await runCli(['apk', repo.file(0), '--apk-key', repo.key, '--format', 'jsonl']);
  assert.equal(line.code, 0, line.stderr);
  assert.deepEqual(linesOf(line.stdout).map((l) => [l.exitCode, l.verdict]), [[0, 'pass']]);
  const unreadable = await runCli(['apk', join(dir, 'nope.apk'), '--apk-key', repo.key, '--format', 'jsonl']);
  assert.equal(unreadable.code, 3);
  assert.deepEqual(linesOf(unreadable.stdout).map((l) => [l.exitCode, l.error?.code]), [[3, 'NOT_FOUND']]);
});

test('vouch image REF REF REF: one line per image, in the order given; a missing layout is its own exit-3 line', async () => {
  const layout = (...p: string[]) => `oci:${samplePath(...p)}:latest`;
  const refs = [layout('image'), layout('tampered', 'modified-file', 'image'), layout('nothing')];
  const r = await runCli(['image', ...refs, '--policy', 'sbom', '--platform', 'linux/amd64', '--format', 'jsonl', '--jobs', '2']);
  assert.equal(r.code, 3, r.stderr);
  assert.deepEqual(linesOf(r.stdout).map((l) => [l.subject, l.exitCode]), [[refs[0], 0], [refs[1], 1], [refs[2], 3]]);
});

test('vouch artifact FILE…: each subject against the same bundle; the one it does not sign fails', needsRealdata(), async () => {
  const DIR = 'sigstore-sigstore-conformance/test/assets/bundle-verify';
  const identity = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const signed = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';
  const other = `sha256:${'0'.repeat(64)}`;
  const r = await runCli(['artifact', signed, other, '--bundle', realdata(`${DIR}/happy-path-v0.2/bundle.sigstore.json`), '--certificate-identity', identity, '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com', '--format', 'jsonl']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(linesOf(r.stdout).map((l) => [l.subject, l.exitCode]), [[signed, 0], [other, 1]]);
});

test('vouch apk --repository DIR --all --cache DIR: the second run verifies no unchanged package again and says so; could-not-check is never cached', { timeout: 120_000 }, async () => {
  const cache = join(dir, 'verdicts');
  const first = await runCli(all('--cache', cache));
  assert.equal(first.code, 3, first.stderr);
  assert.match(first.stdout, /8 subjects: 6 passed, 1 failed, 1 could not be checked; 0 from the verdict cache; exit 3/);
  const second = await runCli(all('--cache', cache, '--format', 'jsonl'));
  assert.equal(second.code, 3, second.stderr);
  const lines = linesOf(second.stdout);
  assert.deepEqual(lines.map((l) => l.exitCode), [0, 0, 0, 1, 0, 3, 0, 0], 'the same verdicts');
  // pkg0003's file is not the bytes the index names, so its verdict was not stored under the
  // index's digest; the absent package could not be checked, which is never stored.
  assert.deepEqual(lines.map((l) => l.cached), [true, true, true, false, true, false, true, true], 'the passes from the cache; the others checked again');
  assert.match(second.stderr, /6 from the verdict cache/);
});
