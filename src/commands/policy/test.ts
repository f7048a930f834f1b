import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { VouchCommand } from '../../cli/base-command.js';
import { EXIT } from '../../cli/exit-codes.js';
import { loadPolicy, readPolicyFile } from '../../cli/policies.js';
import { isVouchError, messageOf, VouchError } from '../../errors.js';
import { parseEvidence } from '../../evidence/index.js';
import type { Evidence } from '../../evidence/index.js';
import { DEFAULT_LIMITS } from '../../pipeline/options.js';
import { readInputFile } from '../../pipeline/input-file.js';
import type { PolicyTestCase } from '../../policy/test-file.js';

const TEST_FILE = /\.test\.ya?ml$/;

export default class PolicyTest extends VouchCommand {
  static override summary = 'Run policy test cases: evidence with the verdict and rule results it must give.';
  static override description = `Runs every *.test.yaml file under the directory (or the files given). Each names policies and cases; a case gives evidence (a file or inline, with optional overrides) and the expected verdict and rule statuses. The file format is in docs/policy.md ("Testing policies").
Exit 0 when every case passes, 1 when a case fails or a test file or policy is invalid, 2 when no test file is found.`;

  static override examples = ['<%= config.bin %> policy test policy-tests/', '<%= config.bin %> policy test policy-tests/acme.test.yaml --verbose'];
  static override strict = false;
  static override args = { path: Args.string({ description: 'directory (searched recursively) or *.test.yaml file(s)', required: true }) };
  static override flags = { verbose: Flags.boolean({ char: 'v', summary: 'Also list every passing case.' }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PolicyTest);
    const files = (await Promise.all((argv as string[]).map(findTestFiles))).flat();
    if (files.length === 0) {
      process.stderr.write(`vouch: usage error: no *.test.yaml files under ${(argv as string[]).join(', ')} [USAGE]\n`);
      process.exitCode = EXIT.USAGE;
      return;
    }
    let passed = 0;
    let failed = 0;
    for (const file of files) {
      const shown = relative(process.cwd(), file) || file;
      for (const outcome of await runTestFile(file)) {
        if (outcome.diffs.length === 0) {
          passed++;
          if (flags.verbose) process.stdout.write(`ok    ${shown}: ${outcome.name}\n`);
          continue;
        }
        failed++;
        process.stdout.write(`FAIL  ${shown}: ${outcome.name}\n`);
        for (const d of outcome.diffs) process.stdout.write(`        ${d}\n`);
      }
    }
    process.stdout.write(`${passed + failed} cases: ${passed} passed, ${failed} failed\n`);
    process.exitCode = failed === 0 ? EXIT.PASS : EXIT.FAIL;
  }
}

interface CaseOutcome {
  readonly name: string;
  readonly diffs: readonly string[];
}

async function findTestFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new VouchError({ code: 'USAGE', message: `no such file or directory: ${path}` });
  // Anything but a directory is read as a test file, which refuses a FIFO or a device with a reason.
  if (!info.isDirectory()) return [resolve(path)];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && TEST_FILE.test(e.name))
    .map((e) => resolve(e.parentPath, e.name))
    .sort();
}

/** Runs one test file; a file or policy that cannot be used is one failed pseudo-case saying why. */
async function runTestFile(file: string): Promise<CaseOutcome[]> {
  const { parsePolicyTest, compareOutcome } = await import('../../policy/test-file.js');
  const { evaluatePolicies } = await import('../../policy/index.js');
  let spec;
  let policies;
  try {
    spec = parsePolicyTest(await readPolicyFile(file), file);
    const base = dirname(file);
    policies = await Promise.all(spec.policies.map((p) => loadPolicy(/^[a-z][a-z0-9-]*$/.test(p) ? p : join(base, p))));
  } catch (err) {
    return [{ name: '(test file)', diffs: [isVouchError(err) ? `${err.code}: ${err.message}` : messageOf(err)] }];
  }
  const outcomes: CaseOutcome[] = [];
  for (const testCase of spec.cases) {
    try {
      const evidence = await caseEvidence(testCase, dirname(file));
      const time = testCase.effectiveTime ?? spec.effectiveTime ?? evidence.collectedAt;
      let result;
      try {
        result = evaluatePolicies(policies, evidence, new Date(time));
      } catch (err) {
        if (!isVouchError(err)) throw err;
        result = { error: err.code, message: err.message };
      }
      outcomes.push({ name: testCase.name, diffs: compareOutcome(testCase.expect, result) });
    } catch (err) {
      outcomes.push({ name: testCase.name, diffs: [isVouchError(err) ? `${err.code}: ${err.message}` : messageOf(err)] });
    }
  }
  return outcomes;
}

async function caseEvidence(testCase: PolicyTestCase, base: string): Promise<Evidence> {
  let doc: Record<string, unknown>;
  if (typeof testCase.evidence === 'string') {
    const path = join(base, testCase.evidence);
    const text = (await readInputFile(path, { what: 'evidence', maxBytes: DEFAULT_LIMITS.maxDocumentBytes })).toString('utf8');
    doc = { ...parseEvidence(text, testCase.evidence) };
  } else {
    doc = { ...testCase.evidence };
  }
  Object.assign(doc, testCase.override ?? {});
  // Through the same validation as `policy eval`, so a case cannot test evidence vouch would refuse.
  return parseEvidence(JSON.stringify(doc), typeof testCase.evidence === 'string' ? testCase.evidence : `${testCase.name} (inline)`);
}
