import { Args } from '@oclif/core';
import { VouchCommand } from '../../cli/base-command.js';
import { EXIT } from '../../cli/exit-codes.js';
import { readPolicyFile } from '../../cli/policies.js';
import { messageOf } from '../../errors.js';

export default class PolicyLint extends VouchCommand {
  static override summary = 'Check policy files: schema, waivers, and that every CEL expression compiles.';
  static override description = `Validates each file against policies/policy.schema.json and compiles every rule expression and guard in one pass, then lists every problem of every file with its JSON path: unknown fields, missing fields, waivers without owner or expiry or naming an unknown rule, CEL that does not parse, does not type-check, is not bool, uses an unsafe regular expression or is unbounded.
An admission server configuration (kind AdmissionConfig, see vouch serve) is checked as vouch serve --check-config checks it.
Exit 0 when all files are valid, 1 when any has a problem.`;

  static override examples = ['<%= config.bin %> policy lint policies/strict.yaml ./team-policy.yaml'];
  static override strict = false;
  static override args = { file: Args.string({ description: 'policy file(s)', required: true }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(PolicyLint);
    const { lintPolicyText } = await import('../../policy/index.js');
    let bad = 0;
    for (const file of argv as string[]) {
      let text: string;
      try {
        text = await readPolicyFile(file);
      } catch (err) {
        process.stdout.write(`${file}: cannot read: ${messageOf(err)}\n`);
        bad++;
        continue;
      }
      // An admission server configuration (vouch serve --config) is checked as the server checks it.
      if (/^kind:\s*["']?AdmissionConfig["']?\s*$/m.test(text)) {
        const { loadServeConfig } = await import('../../serve/config.js');
        const problem = await loadServeConfig(file).then(
          () => undefined,
          (err: unknown) => messageOf(err),
        );
        if (problem === undefined) process.stdout.write(`${file}: ok\n`);
        else {
          bad++;
          process.stdout.write(`${file}: ${problem}\n`);
        }
        continue;
      }
      const problems = lintPolicyText(text, file);
      if (problems.length === 0) {
        process.stdout.write(`${file}: ok\n`);
        continue;
      }
      bad++;
      for (const p of problems) process.stdout.write(`${file}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.path || '/'}: ${p.message}\n`);
    }
    process.exitCode = bad === 0 ? EXIT.PASS : EXIT.FAIL;
  }
}
