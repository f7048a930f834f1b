import { availableParallelism } from 'node:os';
import { Flags } from '@oclif/core';
import { VouchError } from '../errors.js';
import { REPORT_FORMATS } from '../report/types.js';
import { progressFlags } from './flags.js';

/** A fail is reused only briefly: a fixed package or a newly attached signature should show soon. */
export const DEFAULT_CACHE_TTL_MS = 24 * 3_600_000;
export const FAIL_CACHE_TTL_MS = 10 * 60_000;
/** More concurrent subjects than this only adds memory and open sockets. */
export const MAX_JOBS = 256;

/** Flags of the verify commands that take many subjects. */
export const batchFlags = {
  format: Flags.string({
    char: 'f',
    summary: 'Output format: one report, or with many subjects jsonl (a line per subject) or a summary (text, markdown, json) / every subject (sarif, junit).',
    options: [...REPORT_FORMATS, 'jsonl'],
    default: 'text',
  }),
  jobs: Flags.string({ char: 'j', summary: 'Subjects verified at the same time (default: the number of CPU cores).', helpGroup: 'BATCH' }),
  ...progressFlags,
  cache: Flags.string({ summary: 'Verdict cache directory: a pass is reused for --cache-ttl, a fail for 10 minutes, "could not check" never.', helpGroup: 'BATCH' }),
  'cache-ttl': Flags.string({ summary: 'How long a cached pass is reused: 90s, 30m, 24h (default 24h).', helpGroup: 'BATCH' }),
  'shard-index': Flags.string({ summary: 'This run\'s shard, 0 to --shard-count - 1 (default: $JOB_COMPLETION_INDEX).', helpGroup: 'BATCH' }),
  'shard-count': Flags.string({ summary: 'Verify only the share of the subjects that falls to --shard-index of this many shards (by a hash of each subject).', helpGroup: 'BATCH' }),
};

/** --jobs: 1 to 256; default os.availableParallelism(). */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return Math.min(MAX_JOBS, Math.max(1, availableParallelism()));
  const n = /^[0-9]{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_JOBS)) throw new VouchError({ code: 'USAGE', message: `--jobs must be a whole number from 1 to ${MAX_JOBS}, got ${JSON.stringify(value)}` });
  return n;
}
