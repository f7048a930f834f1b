import { errorOutcome, runBatch } from '../batch/run.js';
import type { BatchSubject } from '../batch/run.js';
import { rowOf } from '../batch/line.js';
import { SummaryCollector } from '../batch/summary.js';
import { batchWriter, summaryLine, visible } from '../batch/output.js';
import type { BatchFormat } from '../batch/output.js';
import { parseShard, shareOf } from '../batch/shard.js';
import type { Shard } from '../batch/shard.js';
import { runKeyParts } from '../batch/cache-key.js';
import { verifyThroughCache } from '../batch/cached.js';
import type { CacheUse } from '../batch/cached.js';
import type { SubjectPlan } from '../batch/plan.js';
import { withSubjectDeadline } from '../batch/verify.js';
import { openVerdictCache } from '../cache/open.js';
import type { RunContext } from '../context.js';
import { VouchError } from '../errors.js';
import type { Policy } from '../policy/index.js';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../pipeline/options.js';
import { toolVersion } from '../pipeline/tool-version.js';
import { VouchCommand } from './base-command.js';
import { parseDuration } from './durations.js';
import type { ReportFlagValues } from './base-command.js';
import { DEFAULT_CACHE_TTL_MS, FAIL_CACHE_TTL_MS, parseJobs } from './batch-flags.js';
import { EXIT } from './exit-codes.js';
import { outputTo } from './batch-output.js';
import { sameFileAsStderr } from './local-paths.js';
import { progressBar } from './progress.js';

export interface BatchFlagValues extends ReportFlagValues {
  readonly jobs?: string | undefined;
  readonly quiet: boolean;
  readonly cache?: string | undefined;
  readonly 'cache-ttl'?: string | undefined;
  readonly 'shard-index'?: string | undefined;
  readonly 'shard-count'?: string | undefined;
}

/** How the run goes, read from the flags before any work (each wrong value is a usage error, exit 2). */
export interface BatchSettings {
  /** Batch output (a line or a row per subject) rather than one report. */
  readonly batch: boolean;
  readonly jobs: number;
  readonly shard: Shard | undefined;
  readonly timeoutMs: number;
  readonly cache: { readonly dir: string; readonly passTtlMs: number } | undefined;
}

/**
 * A verify command that takes one subject or many. One subject (and no batch flag) keeps the
 * single-report output and behaviour; many run through the library's batch runner, each subject
 * under its own --timeout, with a line or a row per subject and the worst exit code.
 */
export abstract class BatchCommand extends VouchCommand {
  protected batchSettings(flags: BatchFlagValues, many: boolean): BatchSettings {
    const shard = parseShard(flags['shard-index'], flags['shard-count'], process.env);
    const format = this.formatOf(flags) as string;
    const batch = many || format === 'jsonl' || shard !== undefined;
    if (batch && format === 'html') {
      throw new VouchError({ code: 'USAGE', message: 'the html report shows one subject; with many subjects use --format jsonl, sarif, junit, markdown, json or text' });
    }
    const ttl = parseDuration(flags['cache-ttl'], '--cache-ttl');
    if (ttl !== undefined && flags.cache === undefined) throw new VouchError({ code: 'USAGE', message: '--cache-ttl needs --cache DIR' });
    return {
      batch,
      jobs: parseJobs(flags.jobs),
      shard,
      timeoutMs: parseDuration(flags.timeout, '--timeout') ?? DEFAULT_COMMAND_TIMEOUT_MS,
      cache: flags.cache === undefined ? undefined : { dir: flags.cache, passTtlMs: ttl ?? DEFAULT_CACHE_TTL_MS },
    };
  }

  /** Opens the cache (before any subject is read: a cache that cannot open is an early error). */
  protected async cacheFor(settings: BatchSettings, ctx: RunContext): Promise<Omit<CacheUse, 'parts'> | undefined> {
    if (settings.cache === undefined) return undefined;
    const { dir, passTtlMs } = settings.cache;
    const cache = await openVerdictCache(dir, { passTtlMs, failTtlMs: Math.min(FAIL_CACHE_TTL_MS, passTtlMs) });
    return { cache, clock: () => new Date(), log: ctx.log };
  }

  protected async verifySubjects<S extends BatchSubject>(
    plan: SubjectPlan<S>,
    settings: BatchSettings,
    opened: Omit<CacheUse, 'parts'> | undefined,
    policies: readonly Policy[],
    flags: BatchFlagValues,
    ctx: RunContext,
  ): Promise<void> {
    try {
      const use: CacheUse | undefined = opened && { ...opened, parts: runKeyParts({ ...(await plan.keyInputs()), policies, vouchVersion: toolVersion() }) };
      if (!settings.batch && plan.subjects.length === 1) {
        const subject = plan.subjects[0] as S;
        const outcome = await verifyThroughCache(subject, use, plan.verification(subject, ctx));
        if (outcome.kind !== 'report') return; // verifyThroughCache throws what could not be checked
        this.stopProgress();
        if (outcome.cached) process.stderr.write(`vouch: the verdict for ${visible(subject.name)} was served from the verdict cache (${settings.cache?.dir ?? ''})\n`);
        await this.emit(outcome.report, flags);
        process.exitCode = outcome.report.verdict === 'pass' ? EXIT.PASS : EXIT.FAIL;
        return;
      }
      await this.runMany(shareOf(plan.subjects, settings.shard, (s) => s.name), plan, settings, use, flags, ctx);
    } finally {
      await opened?.cache.close().catch(() => undefined);
    }
  }

  private async runMany<S extends BatchSubject>(subjects: readonly S[], plan: SubjectPlan<S>, settings: BatchSettings, use: CacheUse | undefined, flags: BatchFlagValues, ctx: RunContext): Promise<void> {
    const format = this.formatOf(flags) as BatchFormat;
    const writer = batchWriter(format);
    const collector = new SummaryCollector();
    this.stopProgress(); // the bar takes the line (an index read before it may have drawn one)
    // The bar never shares stderr with the rows, as the single-subject line does not.
    const progress = progressBar(subjects.length, { quiet: flags.quiet || sameFileAsStderr(flags.output) });
    // Each subject has its own deadline; the command's own (which would end a long batch) is not used.
    const base: RunContext = { now: ctx.now, log: ctx.log };
    const out = await outputTo(flags.output);
    try {
      await out.write(writer.start());
      await runBatch(subjects, {
        jobs: settings.jobs,
        verify: (subject) => withSubjectDeadline(settings.timeoutMs, base, (c) => verifyThroughCache(subject, use, plan.verification(subject, c))).catch((err: unknown) => errorOutcome(subject, err)),
        emit: async (outcome) => {
          const row = rowOf(outcome);
          collector.add(row);
          progress.done(row.exitCode);
          await out.write(writer.subject(outcome));
        },
      });
      const summary = collector.summary();
      await out.write(writer.end(summary));
      progress.finish();
      if (settings.shard !== undefined && subjects.length === 0) process.stderr.write(`vouch: shard ${settings.shard.index} of ${settings.shard.count} has no subjects\n`);
      if (flags.output !== undefined || !(format === 'text' || format === 'markdown')) {
        process.stderr.write(`vouch: ${summaryLine(summary)}${flags.output !== undefined ? `; ${format} written to ${flags.output}` : ''}\n`);
      }
      process.exitCode = summary.totals.exitCode;
    } finally {
      await out.close();
    }
  }
}
