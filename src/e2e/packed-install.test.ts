import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';
import { docExamples, runDocExample } from '../testing/doc-examples.js';
import { packAndInstall, packDryRun } from '../testing/packed.js';
import type { InstalledPackage } from '../testing/packed.js';
import { needsRealdata } from '../testing/realdata.js';
import { samplePath, SAMPLE_KEYS } from '../testing/sample.js';

/**
 * The package as a user gets it (README "Install"): `npm pack`, installed into an empty folder
 * with production dependencies only and no network; docs/library.md's examples, the CLI, the
 * TypeScript declarations and the package's contents, all from the tarball.
 */

test('the tarball holds the CLI, the library with its types, LICENSE, README and docs; no dev entry or test helpers', { timeout: 120_000 }, async () => {
  const files = new Set((await packDryRun()).files.map((f) => f.path));
  for (const path of ['LICENSE', 'README.md', 'package.json', 'bin/run.js', 'dist/vouch.js', 'dist/index.js', 'dist/index.d.ts', 'dist/library/verify.js', '.oclif.manifest.json', 'policies/default.yaml', 'docs/library.md', 'docs/ci.md', 'docs/report.schema.json']) {
    assert.ok(files.has(path), `${path} is missing from the tarball`);
  }
  for (const path of files) {
    assert.ok(!/^(src|testdata|bench|scripts|\.ci)\//.test(path), `${path} must not be packed`);
    assert.ok(path !== 'bin/dev.js', 'bin/dev.js (the development entry) must not be packed');
    assert.ok(!/^dist\/(testing|e2e)\//.test(path) && !/\.test\.(js|d\.ts)$/.test(path), `${path}: tests and test helpers must not be packed`);
  }
  assert.match(readFileSync(join(PROJECT_ROOT, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
  // Every relative link in the README resolves inside the package (a file, or a folder with files).
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const m of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = (m[1] ?? '').replace(/#.*$/, '');
    if (target === '' || /^[a-z]+:/.test(target)) continue;
    const inside = target.endsWith('/') ? [...files].some((f) => f.startsWith(target)) : files.has(target);
    assert.ok(inside, `README links to ${target}, which is not in the tarball`);
  }
});

describe('the packed tarball installed into an empty folder (production dependencies, offline)', () => {
  let installed: InstalledPackage | undefined;
  let scratch = '';
  const pkg = (): InstalledPackage => installed ?? assert.fail('not installed');
  // The installed CLI runs on this test's Node (the one vouch supports), found first on PATH.
  const env = (): NodeJS.ProcessEnv => ({ PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`, HOME: scratch, NO_COLOR: '1' });

  before(async () => {
    installed = await packAndInstall();
    scratch = await mkdtemp(join(tmpdir(), 'vouch-packed-'));
  }, { timeout: 300_000 });
  after(async () => {
    await installed?.remove();
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  test('no development dependency is installed', () => {
    const lock = JSON.parse(readFileSync(join(pkg().dir, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    for (const name of ['node_modules/typescript', 'node_modules/esbuild', 'node_modules/tsx', 'node_modules/node', 'node_modules/@sigstore/mock']) {
      assert.ok(!(name in lock.packages), `${name} was installed`);
    }
  });

  for (const example of docExamples('docs/library.md')) {
    test(`docs/library.md:${example.line} runs from the installed package`, { timeout: 120_000, ...(example.realdata ? needsRealdata() : {}) }, async () => {
      // Written into the consumer folder, so `from 'vouch'` resolves to its node_modules/vouch.
      const r = await runDocExample(example, pkg().dir);
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
      if (example.expected !== undefined) assert.equal(r.stdout, example.expected);
    });
  }

  test('the installed docs are the ones tested, and only the entry point is importable', { timeout: 60_000 }, async () => {
    const shipped = readFileSync(join(pkg().dir, 'node_modules', 'vouch', 'docs', 'library.md'), 'utf8');
    assert.equal(shipped, readFileSync(join(PROJECT_ROOT, 'docs', 'library.md'), 'utf8'));
    const probe = join(pkg().dir, 'probe.mjs');
    await writeFile(
      probe,
      [
        "const pkg = (await import('vouch/package.json', { with: { type: 'json' } })).default;",
        "const api = await import('vouch');",
        "let internal = 'importable';",
        "try { await import('vouch/dist/pipeline/apk.js'); } catch (err) { internal = err.code; }",
        "console.log(pkg.name, typeof api.verifyApk, internal);",
      ].join('\n'),
    );
    const r = await runProcess(process.execPath, [probe], { env: env(), cwd: pkg().dir, noStdin: true, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'vouch function ERR_PACKAGE_PATH_NOT_EXPORTED\n');
  });

  test('the installed CLI runs: --version, and a pass and a fail on the sample apk', { timeout: 120_000 }, async () => {
    const vouch = join(pkg().dir, 'node_modules', '.bin', 'vouch');
    const version = await runProcess(vouch, ['--version'], { env: env(), cwd: scratch, noStdin: true, timeoutMs: 60_000 });
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^vouch\/0\.\d+\.\d+ /);
    const pass = await runProcess(vouch, ['apk', samplePath('apk', 'x86_64', 'hello-2.12-r0.apk'), '--apk-key', SAMPLE_KEYS.apk, '--arch', 'x86_64'], { env: env(), cwd: scratch, noStdin: true, timeoutMs: 60_000 });
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
    assert.match(pass.stdout, /VERDICT: PASS/);
    const fail = await runProcess(vouch, ['apk', samplePath('tampered', 'unknown-key', 'hello-2.12-r0.apk'), '--apk-key', SAMPLE_KEYS.apk, '--arch', 'x86_64'], { env: env(), cwd: scratch, noStdin: true, timeoutMs: 60_000 });
    assert.equal(fail.code, 1, fail.stdout + fail.stderr);
  });

  test('the TypeScript declarations type-check a consumer (strict, no skipLibCheck)', { timeout: 120_000 }, async () => {
    const dir = pkg().dir;
    await writeFile(
      join(dir, 'check.mts'),
      [
        "import { isVouchError, renderReport, verifyApk, type Report, type VerifyApkOptions } from 'vouch';",
        "const options: VerifyApkOptions = { target: 'hello.apk', keys: ['key.rsa.pub'], policies: ['default'], timeoutMs: 60_000 };",
        'const report: Report = await verifyApk(options);',
        "export const text: string = renderReport(report, 'markdown');",
        "export const failed: boolean = report.verdict === 'fail';",
        'export { isVouchError };',
      ].join('\n'),
    );
    const tsconfig = {
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(PROJECT_ROOT, 'node_modules', '@types')] },
      files: ['check.mts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await runProcess(process.execPath, [tsc, '-p', dir], { env: env(), cwd: dir, noStdin: true, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
