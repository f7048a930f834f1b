import { Flags } from '@oclif/core';
import { VouchCommand, reportFlags } from '../../cli/base-command.js';
import { limitFlags } from '../../cli/flags.js';
import { toLimits } from '../../cli/options.js';
import { parseEvidence } from '../../evidence/index.js';
import { readInputFile } from '../../pipeline/input-file.js';

export default class PolicyEval extends VouchCommand {
  static override summary = 'Evaluate policies over saved evidence, without touching the network.';
  static override description =
    'Reads an Evidence document or a JSON report (vouch image ... --format json > r.json) and evaluates the given policies over it at the effective time.';

  static override examples = [
    '<%= config.bin %> policy eval --evidence report.json --policy strict',
    '<%= config.bin %> policy eval --evidence evidence.json --policy ./team.yaml --policy signature --format junit --output rules.xml',
  ];

  static override flags = {
    ...reportFlags,
    evidence: Flags.string({ summary: 'Evidence or report JSON file to evaluate.', required: true }),
    policy: Flags.string({ char: 'p', summary: 'Policy: a built-in name or a YAML file (repeatable; all must pass).', multiple: true, required: true }),
    'max-document-size': limitFlags['max-document-size'],
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PolicyEval);
    const ctx = this.contextFrom(flags);
    const policies = await this.policiesFrom(flags.policy);
    const { maxDocumentBytes } = toLimits(flags);
    const text = (await readInputFile(flags.evidence, { what: '--evidence', maxBytes: maxDocumentBytes, flag: '--max-document-size' })).toString('utf8');
    await this.judge(parseEvidence(text, flags.evidence), policies, flags, ctx);
  }
}
