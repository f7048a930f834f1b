import { readFile } from 'node:fs/promises';
import { Args, Command } from '@oclif/core';
import { EXIT } from '../../cli/exit-codes.js';
import { isVouchError } from '../../errors.js';
import { lintPolicyText } from '../../policy/index.js';

export default class PolicyLint extends Command {
  static override summary = 'Check policy files: schema, waivers, and that every CEL expression compiles.';
  static override description = 'Lists every problem of every file with its path. Exit 0 when all files are valid, 1 when any has a problem.';
  static override examples = ['<%= config.bin %> policy lint policies/strict.yaml ./team-policy.yaml'];
  static override strict = false;
  static override args = { file: Args.string({ description: 'policy file(s)', required: true }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(PolicyLint);
    let bad = 0;
    for (const file of argv as string[]) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        process.stdout.write(`${file}: cannot read: ${(err as Error).message}\n`);
        bad++;
        continue;
      }
      try {
        const problems = lintPolicyText(text, file);
        if (problems.length === 0) {
          process.stdout.write(`${file}: ok\n`);
          continue;
        }
        bad++;
        for (const p of problems) process.stdout.write(`${file}: ${p.path || '/'}: ${p.message}\n`);
      } catch (err) {
        if (!isVouchError(err)) throw err;
        bad++;
        process.stdout.write(`${file}: ${err.message}\n`);
      }
    }
    process.exitCode = bad === 0 ? EXIT.PASS : EXIT.FAIL;
  }
}
