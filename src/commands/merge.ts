import { Args, Flags } from '@oclif/core';
import { VouchCommand } from '../cli/base-command.js';
import { outputTo } from '../cli/batch-output.js';
import { limitFlags } from '../cli/flags.js';
import { toLimits } from '../cli/options.js';
import { VouchError } from '../errors.js';

export default class Merge extends VouchCommand {
  static override summary = "Combine batch results (--format jsonl, e.g. each shard's) into one summary report.";
  static override description = `Reads the JSON lines that vouch apk/image/artifact write with --format jsonl (one per subject, docs/batch.md), from any number of files, and writes one report over all of them: the summary table (text, markdown), the summary document (json), every subject's results (sarif, junit), or the lines again as one file (jsonl).
Every line is checked: a line that is not a vouch batch line, or whose exit code contradicts its verdict, stops the merge (exit 3). The exit code is the worst of all subjects (0 all passed, 1 one failed, 3 one could not be checked); results that name no subject at all are exit 3.`;

  static override examples = [
    '<%= config.bin %> merge shard-0.jsonl shard-1.jsonl shard-2.jsonl',
    '<%= config.bin %> merge results/*.jsonl --format junit --output vouch.xml',
  ];

  static override strict = false;

  static override args = {
    results: Args.string({ description: 'JSONL results files (one or more)' }),
  };

  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json', 'jsonl', 'sarif', 'junit', 'markdown'], default: 'text' }),
    output: Flags.string({ char: 'o', summary: 'Write the report to this file; a one-line summary goes to stderr.' }),
    verbose: Flags.boolean({ char: 'v', summary: 'Log progress and debug details to stderr.' }),
    'max-document-size': limitFlags['max-document-size'],
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Merge);
    const files = argv as string[];
    this.contextFrom({ format: flags.format, json: false, verbose: flags.verbose });
    if (files.length === 0) throw new VouchError({ code: 'USAGE', message: 'name the results files to merge (--format jsonl output of vouch apk, image or artifact)' });
    const { maxDocumentBytes } = toLimits(flags);
    const [{ readResultLines, MAX_MERGE_SUBJECTS }, { outcomeOf, rowOf }, { batchWriter, summaryLine, visible }, { SummaryCollector }] = await Promise.all([
      import('../batch/merge.js'),
      import('../batch/line.js'),
      import('../batch/output.js'),
      import('../batch/summary.js'),
    ]);
    const format = flags.format as 'text' | 'json' | 'jsonl' | 'sarif' | 'junit' | 'markdown';
    const writer = batchWriter(format);
    const collector = new SummaryCollector();
    const seen = new Set<string>();
    let count = 0;
    const out = await outputTo(flags.output);
    try {
      await out.write(writer.start());
      for (const file of files) {
        for await (const line of readResultLines(file, maxDocumentBytes)) {
          if (++count > MAX_MERGE_SUBJECTS) throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `the results hold more than ${MAX_MERGE_SUBJECTS} subjects` });
          const id = `${line.kind}\n${line.subject}`;
          if (seen.has(id)) process.stderr.write(`vouch: warning: ${line.kind} ${visible(line.subject)} appears more than once (overlapping shards?); every line counts\n`);
          seen.add(id);
          const outcome = outcomeOf(line);
          collector.add(rowOf(outcome));
          await out.write(writer.subject(outcome));
        }
      }
      const summary = collector.summary();
      if (summary.totals.subjects === 0) throw new VouchError({ code: 'NOT_FOUND', message: `the results (${files.join(', ')}) name no subject: nothing was verified` });
      await out.write(writer.end(summary));
      if (flags.output !== undefined || !(format === 'text' || format === 'markdown')) {
        process.stderr.write(`vouch: ${summaryLine(summary)}${flags.output !== undefined ? `; ${format} written to ${flags.output}` : ''}\n`);
      }
      process.exitCode = summary.totals.exitCode;
    } finally {
      await out.close();
    }
  }
}
