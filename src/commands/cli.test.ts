import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EXIT } from '../cli/exit-codes.js';
import { jsonOf, PROJECT_ROOT, runCli } from '../testing/cli.js';

describe('vouch CLI (spawned as users run it)', () => {
  test('--help lists every command', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const cmd of ['apk', 'artifact', 'image', 'policy']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
  });

  for (const cmd of [['apk'], ['artifact'], ['image'], ['policy', 'lint'], ['policy', 'eval'], ['policy', 'test']]) {
    test(`${cmd.join(' ')} --help shows flags with descriptions and an example`, async () => {
      const r = await runCli([...cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /FLAGS|ARGUMENTS/);
      assert.match(r.stdout, /EXAMPLES/);
      assert.match(r.stdout, new RegExp(`\\$ vouch ${cmd.join(' ')}`));
    });
  }

  test('an unknown flag is a usage error: exit 2', async () => {
    const r = await runCli(['apk', 'x.apk', '--no-such-flag']);
    assert.equal(r.code, EXIT.USAGE);
  });

  test('an unknown command is a usage error: exit 2, naming the commands that exist, also when help is asked for it', async () => {
    const cases: [string[], string][] = [
      [['verify', 'x.apk'], 'verify'],
      [['policy', 'check'], 'policy check'],
      [['help', 'verify'], 'verify'],
      [['verify', '--help'], 'verify'],
      [['policy', 'check', '--help'], 'policy check'],
    ];
    for (const [argv, shown] of cases) {
      const r = await runCli(argv);
      assert.equal(r.code, EXIT.USAGE, argv.join(' '));
      assert.match(r.stderr, new RegExp(`unknown command: ${shown}\\n`), argv.join(' '));
      assert.match(r.stderr, /apk, artifact/);
    }
    // Help for a real command, with its arguments and flags typed, is still help.
    for (const argv of [['help', 'artifact'], ['artifact', 'x.txt', '--help'], ['policy', 'eval', '--evidence', 'e.json', '--help'], ['help', 'policy']]) {
      const r = await runCli(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.match(r.stdout, /USAGE/);
    }
  });

  test('a bad --effective-time is a usage error: exit 2', async () => {
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/pass.json', '--policy', 'default', '--effective-time', 'yesterday']);
    assert.equal(r.code, EXIT.USAGE);
    assert.match(r.stderr, /effective-time/);
  });

  test('an unknown built-in policy name is a usage error: exit 2', async () => {
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/pass.json', '--policy', 'no-such-policy']);
    assert.equal(r.code, EXIT.USAGE);
  });

  test('policy eval: passing evidence gives verdict pass and exit 0, one JSON document on stdout', async () => {
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/pass.json', '--policy', 'default', '--format', 'json', '--effective-time', '2026-11-02T00:00:00Z']);
    assert.equal(r.code, EXIT.PASS, r.stderr);
    const report = jsonOf(r);
    assert.equal(report['verdict'], 'pass');
    assert.equal(report['effectiveTime'], '2026-11-02T00:00:00.000Z');
  });

  test('policy eval: --json is a synonym of --format json', async () => {
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/pass.json', '--policy', 'default', '--json']);
    assert.equal(jsonOf(r)['verdict'], 'pass');
  });

  test('policy eval: a failed check gives verdict fail and exit 1, with the reason in the text report', async () => {
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/fail-bad-signature.json', '--policy', 'default']);
    assert.equal(r.code, EXIT.FAIL);
    assert.match(r.stdout, /SIGNATURE_INVALID/);
    assert.match(r.stdout, /VERDICT: FAIL\n$/);
    assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour when not a TTY');
  });

  test('policy eval: several policies must all pass', async () => {
    const ok = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/pass.json', '--policy', 'default', '--policy', 'testdata/policy/acme.yaml']);
    assert.equal(ok.code, EXIT.PASS, ok.stdout);
    const other = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/fail-bad-signature.json', '--policy', 'testdata/policy/acme.yaml']);
    assert.equal(other.code, EXIT.FAIL);
  });

  test('policy eval: evidence from a newer schema could not be checked: exit 3', async () => {
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/newer-schema.json', '--policy', 'default', '--format', 'json']);
    assert.equal(r.code, EXIT.COULD_NOT_CHECK);
    assert.equal((jsonOf(r)['error'] as { code: string }).code, 'EVIDENCE_INVALID');
  });

  test('--output writes the report to a file and a one-line verdict to stderr', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'vouch-')), 'report.json');
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/pass.json', '--policy', 'default', '--format', 'json', '--output', out]);
    assert.equal(r.code, EXIT.PASS);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /verdict pass/);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).verdict, 'pass');
  });

  test('policy lint: valid policies exit 0; an invalid one lists every problem and exits 1', async () => {
    const ok = await runCli(['policy', 'lint', 'policies/default.yaml', 'testdata/policy/acme.yaml']);
    assert.equal(ok.code, EXIT.PASS, ok.stdout);
    const bad = await runCli(['policy', 'lint', 'testdata/policy/bad.yaml']);
    assert.equal(bad.code, EXIT.FAIL);
    assert.match(bad.stdout, /colour: unknown field/);
    assert.match(bad.stdout, /unknown rule no-such-rule/);
  });

  test('policy eval: every JSON report validates against docs/report.schema.json', async () => {
    const { Ajv } = await import('ajv');
    const addFormats = (await import('ajv-formats')).default;
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(`${PROJECT_ROOT}/docs/report.schema.json`, 'utf8')) as object);
    for (const [evidence, policy] of [['pass', 'default'], ['fail-bad-signature', 'signature'], ['apk-no-sbom', 'strict'], ['image-full', 'provenance']]) {
      const r = await runCli(['policy', 'eval', '--evidence', `testdata/evidence/${evidence}.json`, '--policy', policy ?? '', '--json', '--effective-time', '2026-11-02T00:00:00Z']);
      assert.ok(r.code === EXIT.PASS || r.code === EXIT.FAIL, r.stderr);
      assert.ok(validate(jsonOf(r)), `${evidence}: ${JSON.stringify(validate.errors)}`);
      const again = await runCli(['policy', 'eval', '--evidence', `testdata/evidence/${evidence}.json`, '--policy', policy ?? '', '--json', '--effective-time', '2026-11-02T00:00:00Z']);
      assert.equal(again.stdout, r.stdout, 'byte-identical for identical inputs and effective time');
    }
  });

  test('--output writes sarif, junit and markdown too; stdout stays empty', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'vouch-'));
    for (const [format, marker] of [['sarif', '"version": "2.1.0"'], ['junit', '<testsuites '], ['markdown', '## vouch: ❌ FAIL']]) {
      const out = join(dir, `report.${format}`);
      const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/apk-no-sbom.json', '-p', 'strict', '--format', format ?? '', '--output', out]);
      assert.equal(r.code, EXIT.FAIL);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /verdict fail/);
      assert.ok(readFileSync(out, 'utf8').includes(marker ?? ''), format);
    }
  });

  test('policy eval: a policy that is not YAML or is a YAML bomb is a usage error: exit 2', async () => {
    for (const file of ['testdata/policy/not-yaml.yaml', 'testdata/policy/bomb.yaml', 'testdata/policy/bad.yaml']) {
      const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/pass.json', '--policy', file, '--json']);
      assert.equal(r.code, EXIT.USAGE, file);
      assert.equal((jsonOf(r)['error'] as { code: string }).code, 'POLICY_INVALID');
    }
  });

  test('policy eval: a policy that would explode is refused quickly with LIMIT_EXCEEDED: exit 3', async () => {
    const r = await runCli(['policy', 'eval', '--evidence', 'testdata/evidence/image-100-packages.json', '--policy', 'testdata/policy/hostile.yaml', '--json']);
    assert.equal(r.code, EXIT.COULD_NOT_CHECK);
    const error = jsonOf(r)['error'] as { code: string; message: string };
    assert.equal(error.code, 'LIMIT_EXCEEDED');
    assert.match(error.message, /rule cubic would take about .* evaluation steps/);
  });

  test('policy test: passing cases exit 0, a wrong expectation exits 1 saying why, no test files exit 2', async () => {
    const ok = await runCli(['policy', 'test', 'testdata/policy-tests/pass']);
    assert.equal(ok.code, EXIT.PASS, ok.stdout);
    assert.match(ok.stdout, /cases: (\d+) passed, 0 failed/);
    const bad = await runCli(['policy', 'test', 'testdata/policy-tests/fail']);
    assert.equal(bad.code, EXIT.FAIL);
    assert.match(bad.stdout, /FAIL {2}testdata\/policy-tests\/fail\/wrong-expectation\.test\.yaml: expects pass for failing evidence\n {8}verdict: expected pass, got fail/);
    assert.match(bad.stdout, /rule no-such-rule: expected pass, but no such rule was evaluated/);
    const none = await runCli(['policy', 'test', 'testdata/evidence']);
    assert.equal(none.code, EXIT.USAGE);
  });

  test('policy lint: a YAML bomb and a file that is not YAML are listed as problems', async () => {
    const r = await runCli(['policy', 'lint', 'testdata/policy/bomb.yaml', 'testdata/policy/not-yaml.yaml', 'policies/strict.yaml']);
    assert.equal(r.code, EXIT.FAIL);
    assert.match(r.stdout, /bomb\.yaml(:\d+:\d+)?: \/: not valid YAML: .*alias/);
    assert.match(r.stdout, /not-yaml\.yaml:\d+:\d+: \/: not valid YAML/, 'a YAML error says where');
    assert.match(r.stdout, /strict\.yaml: ok/);
  });

  test('policy lint: each problem gives the line and column of its node in the YAML file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouch-lint-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ['apiVersion: vouch.dev/v1', 'kind: Policy', 'metadata:', '  name: bad', 'spec:', '  rules:', '    - name: r1', '      message: m', '      expression: subject.kind = 1', '    - name: r2', '      message: m', '      expression: nosuchvar.size() > 0', ''].join('\n'));
    try {
      const r = await runCli(['policy', 'lint', file]);
      assert.equal(r.code, EXIT.FAIL);
      assert.match(r.stdout, /bad\.yaml:9:19: \/spec\/rules\/0\/expression: CEL does not parse/);
      assert.match(r.stdout, /bad\.yaml:12:19: \/spec\/rules\/1\/expression: CEL does not type-check/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('docs/exit-codes.md documents exactly the exit codes the CLI uses', () => {
    const doc = readFileSync(`${PROJECT_ROOT}/docs/exit-codes.md`, 'utf8');
    for (const [name, code] of Object.entries(EXIT)) assert.match(doc, new RegExp(`\\| ${code} \\| \`${name}\``), `${name}=${code} missing`);
  });
});
