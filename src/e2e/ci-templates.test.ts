import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { consumerManifests, packProject } from '../testing/packed.js';
import type { PackedPackage } from '../testing/packed.js';
import { samplePath, SAMPLE_KEYS } from '../testing/sample.js';

/**
 * The CI integrations run here as their hosts would run them, on the sample apk: action.yml's
 * shell steps (bash -eo pipefail, GITHUB_* files, outputs passed between steps) and the GitLab
 * template's script (one bash shell, GitLab's variables as environment). Steps that call other
 * actions (the SARIF upload) are not run; their inputs are checked instead.
 */

const HELLO = samplePath('apk', 'x86_64', 'hello-2.12-r0.apk');
const UNKNOWN_KEY = samplePath('tampered', 'unknown-key', 'hello-2.12-r0.apk');
/** This test's Node (one vouch supports) first on PATH, as setup-node or the node:24 image would put it. */
const PATH = `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? '/usr/bin:/bin'}`;

interface ActionStep {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
}

interface ActionRun {
  readonly steps: Record<string, Record<string, string>>;
  readonly exit: number | null;
  readonly summary: string;
  readonly temp: string;
  readonly results: readonly CliResult[];
  readonly uploads: readonly Record<string, string>[];
}

const action = parseYaml(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: ActionStep[] };
};

/** `${{ inputs.x }}` and `${{ steps.id.outputs.x }}`: the only expressions action.yml passes to its scripts. */
function expand(text: string, inputs: Record<string, string>, steps: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([a-z0-9_.-]+)\s*\}\}/gi, (_, expr: string) => {
    const parts = expr.split('.');
    if (parts[0] === 'inputs' && parts.length === 2) return inputs[parts[1] ?? ''] ?? '';
    if (parts[0] === 'steps' && parts[2] === 'outputs' && parts.length === 4) return steps[parts[1] ?? '']?.[parts[3] ?? ''] ?? '';
    throw new Error(`action.yml: expression not understood by this test: ${expr}`);
  });
}

/**
 * Runs action.yml's steps like the runner: each `run` in bash -eo pipefail; after a step fails,
 * only the steps marked always() run. The exit is that of the first step that failed.
 */
async function runAction(given: Record<string, string>): Promise<ActionRun> {
  const temp = await mkdtemp(join(tmpdir(), 'vouch-action-'));
  const workspace = join(temp, 'workspace');
  await mkdir(workspace);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = given[name] ?? spec.default ?? '';
  const steps: Record<string, Record<string, string>> = {};
  const results: CliResult[] = [];
  const uploads: Record<string, string>[] = [];
  const summary = join(temp, 'summary.md');
  const pathFile = join(temp, 'path');
  await writeFile(summary, '');
  await writeFile(pathFile, '');
  let exit: number | null = 0;
  for (const [i, step] of action.runs.steps.entries()) {
    if (exit !== 0 && !(step.if ?? '').includes('always()')) continue;
    if (step.uses !== undefined) {
      uploads.push(Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(v, inputs, steps)])));
      continue;
    }
    const output = join(temp, `output-${i}`);
    await writeFile(output, '');
    const added = (await readFile(pathFile, 'utf8')).split('\n').filter((l) => l !== '').reverse();
    const env: NodeJS.ProcessEnv = {
      PATH: [...added, PATH].join(delimiter),
      HOME: temp,
      NO_COLOR: '1',
      GITHUB_ACTION_PATH: PROJECT_ROOT,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      GITHUB_PATH: pathFile,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: temp,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs, steps)])),
    };
    const script = join(temp, `step-${i}.sh`);
    await writeFile(script, expand(step.run ?? '', inputs, steps));
    const r = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { env, cwd: workspace, noStdin: true, timeoutMs: 120_000 });
    results.push(r);
    const outputs: Record<string, string> = {};
    for (const line of (await readFile(output, 'utf8')).split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (step.id !== undefined) steps[step.id] = outputs;
    if (r.code !== 0 && exit === 0) exit = r.code;
  }
  return { steps, exit, summary: await readFile(summary, 'utf8'), temp, results, uploads };
}

describe('action.yml (composite GitHub Action), its shell steps run locally', () => {
  const temps: string[] = [];
  after(async () => {
    for (const t of temps) await rm(t, { recursive: true, force: true });
  });
  const run = async (inputs: Record<string, string>): Promise<ActionRun> => {
    const r = await runAction(inputs);
    temps.push(r.temp);
    return r;
  };

  test('is a composite action whose inputs reach scripts only through env', () => {
    assert.equal(action.runs.using, 'composite');
    for (const step of action.runs.steps) {
      if (step.run !== undefined) assert.doesNotMatch(step.run, /\$\{\{/, `step ${step.name}: an expression inside a script is a shell injection`);
    }
  });

  test('a pass: exit 0, the Markdown report in the job summary, SARIF handed to the upload', { timeout: 180_000 }, async () => {
    const r = await run({ command: 'apk', subject: HELLO, args: `--apk-key\n${SAMPLE_KEYS.apk}\n--arch\nx86_64` });
    assert.equal(r.exit, 0, r.results.map((x) => x.stderr).join('\n'));
    assert.equal(r.steps['verify']?.['exit-code'], '0');
    assert.match(r.summary, /vouch: ✅ PASS/);
    const sarif = r.uploads[0]?.['sarif_file'] ?? '';
    assert.ok(existsSync(sarif), `no SARIF at ${sarif}`);
    assert.equal((JSON.parse(readFileSync(sarif, 'utf8')) as { version: string }).version, '2.1.0');
  });

  test('a fail: the job fails with exit 1 after the summary is written', { timeout: 180_000 }, async () => {
    const r = await run({ command: 'apk', subject: UNKNOWN_KEY, args: `--apk-key\n${SAMPLE_KEYS.apk}\n--arch\nx86_64` });
    assert.equal(r.exit, 1);
    assert.equal(r.steps['verify']?.['exit-code'], '1');
    assert.match(r.summary, /FAIL/);
  });

  test('could not check: exit 3 and the reason in the summary; a hostile subject stays data', { timeout: 180_000 }, async () => {
    const r = await run({ command: 'apk', subject: 'missing-$(touch pwned).apk', policies: 'default\nsbom' });
    assert.equal(r.exit, 3);
    assert.match(r.summary, /could not check[\s\S]*missing-\$\(touch pwned\)\.apk/);
    assert.ok(!existsSync(join(r.temp, 'workspace', 'pwned')), 'the subject was run as shell code');
  });
});

interface GitlabJob {
  readonly image: string;
  readonly variables: Record<string, string>;
  readonly script: string[];
  readonly artifacts: { paths: string[]; reports: { junit: string } };
}

describe('ci/gitlab/vouch.gitlab-ci.yml, its script run locally against the packed tarball', () => {
  const template = parseYaml(readFileSync(join(PROJECT_ROOT, 'ci', 'gitlab', 'vouch.gitlab-ci.yml'), 'utf8')) as Record<string, GitlabJob>;
  const job = template['.vouch'] as GitlabJob;
  let packed: PackedPackage | undefined;
  let temp = '';

  before(async () => {
    packed = await packProject();
    temp = await mkdtemp(join(tmpdir(), 'vouch-gitlab-'));
  }, { timeout: 300_000 });
  after(async () => {
    await packed?.remove();
    if (temp !== '') await rm(temp, { recursive: true, force: true });
  });

  /** One job: GitLab's variables (the template's, then the project's) as environment, the script in one bash. */
  async function runJob(name: string, variables: Record<string, string>): Promise<{ r: CliResult; dir: string }> {
    const dir = join(temp, name);
    await mkdir(dir);
    const home = join(dir, '.vouch');
    await mkdir(home);
    // Offline here: the install folder gets the lockfile the packed-install test uses (src/testing/packed.ts says why).
    const manifests = await consumerManifests(packed ?? assert.fail('not packed'), 'vouch-home');
    await writeFile(join(home, 'package.json'), manifests.packageJson);
    await writeFile(join(home, 'package-lock.json'), manifests.packageLock);
    // HOME stays the user's: npm's cache (filled by npm ci) is under it.
    const env: NodeJS.ProcessEnv = { PATH, HOME: process.env['HOME'] ?? dir, NO_COLOR: '1', CI: 'true', CI_PROJECT_DIR: dir, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
    for (const [k, v] of Object.entries({ ...job.variables, ...variables })) env[k] = v.replace(/\$([A-Z_]+)/g, (_, n: string) => env[n] ?? '');
    const r = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', job.script.join('\n')], { env, cwd: dir, noStdin: true, timeoutMs: 300_000 });
    return { r, dir };
  }

  test('never installs a bare registry name and keeps the reports as artifacts', () => {
    assert.equal(job.variables['VOUCH_PACKAGE'], '');
    assert.equal(job.artifacts.reports.junit, 'vouch-junit.xml');
    assert.ok(job.script.some((line) => line.includes('npm install --prefix "$VOUCH_HOME"')));
  });

  test('a pass: installs the tarball, exit 0, JUnit, SARIF and Markdown written', { timeout: 300_000 }, async () => {
    const { r, dir } = await runJob('pass', { VOUCH_PACKAGE: packed?.tarball ?? '', VOUCH_COMMAND: 'apk', VOUCH_SUBJECT: HELLO, VOUCH_ARGS: `--apk-key ${SAMPLE_KEYS.apk} --arch x86_64` });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const file of job.artifacts.paths) assert.ok(existsSync(join(dir, file)), `${file} was not written`);
    assert.match(readFileSync(join(dir, 'vouch-junit.xml'), 'utf8'), /<testsuites/);
    assert.match(readFileSync(join(dir, 'vouch-summary.md'), 'utf8'), /PASS/);
  });

  test('a fail: exit 1 after the reports are written; no package named: exit 2', { timeout: 300_000 }, async () => {
    const { r, dir } = await runJob('fail', { VOUCH_PACKAGE: packed?.tarball ?? '', VOUCH_COMMAND: 'apk', VOUCH_SUBJECT: UNKNOWN_KEY, VOUCH_ARGS: `--apk-key ${SAMPLE_KEYS.apk} --arch x86_64` });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(readFileSync(join(dir, 'vouch-summary.md'), 'utf8'), /FAIL/);
    const unset = await runJob('unset', { VOUCH_SUBJECT: HELLO });
    assert.equal(unset.r.code, 2);
    assert.match(unset.r.stderr, /set VOUCH_PACKAGE/);
  });
});
