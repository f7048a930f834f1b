import { Command, Errors, Flags } from '@oclif/core';
import type { Interfaces } from '@oclif/core';
import { isVouchError, messageOf, VouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import type { RunContext } from '../context.js';
import { REPORT_FORMATS } from '../report/types.js';
import type { Policy } from '../policy/index.js';
import type { Report, ReportFormat } from '../report/types.js';
import { parseDuration, policyTimeout } from './durations.js';
import { parseEffectiveTime } from './effective-time.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { loadPolicies } from '../library/policies.js';
import type { RunOptions } from '../library/options.js';
import { stderrLogger } from './logger.js';
import { textStyle } from './terminal.js';
import { checkOutputWritable, sameFileAsStderr } from './local-paths.js';
import { progressLine } from './progress-line.js';
import type { ProgressLine } from './progress-line.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, commandDeadline } from '../pipeline/options.js';

/** Flags shared by every command that produces a report. */
export const reportFlags = {
  format: Flags.string({
    char: 'f',
    summary: 'Output format of the report.',
    options: [...REPORT_FORMATS],
    default: 'text',
  }),
  json: Flags.boolean({ summary: 'Same as --format json: stdout carries exactly one JSON document.' }),
  output: Flags.string({ char: 'o', summary: 'Write the report to this file; a one-line verdict (with many subjects, the summary line) goes to stderr.' }),
  'effective-time': Flags.string({
    summary: 'Judge as of this ISO-8601 time instead of now (`now` in rules, waiver expiry, report time); signatures are always checked at their proven signing time.',
  }),
  verbose: Flags.boolean({ char: 'v', summary: 'Log progress and debug details to stderr; the text report lists every finding and each failed rule\'s expression.' }),
  'policy-timeout': Flags.string({
    summary: 'Wall-clock budget of the policy evaluation in milliseconds (default 10000); over it, exit 3 (LIMIT_EXCEEDED).',
    helpGroup: 'LIMITS',
  }),
};

/** Flags shared by the verify commands (image, apk, artifact). */
export const verifyFlags = {
  ...reportFlags,
  policy: Flags.string({
    char: 'p',
    summary: 'Policy to evaluate (repeatable; all must pass): a built-in name or a YAML file.',
    description: 'A bare name is a built-in policy (default, provenance, sbom, signature, strict; their source is policies/<name>.yaml). Without --policy the default policy applies: it fails unless a signer is named. docs/policy.md tables what each demands.',
    multiple: true,
  }),
};

export interface ReportFlagValues {
  readonly format: string;
  readonly json: boolean;
  readonly output?: string | undefined;
  readonly 'effective-time'?: string | undefined;
  readonly verbose: boolean;
  readonly 'policy-timeout'?: string | undefined;
  readonly timeout?: string | undefined;
}

/**
 * Base of every vouch command: turns flags into a RunContext, writes reports, and is the only
 * place that maps outcomes to exit codes (0 pass, 1 fail, 2 usage, 3 could not check).
 */
export abstract class VouchCommand extends Command {
  private jsonMode = false;
  private deadline: AbortSignal | undefined;
  private timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  private progress: ProgressLine | undefined;

  /**
   * Every error the command-line parser raises is a usage error, exit 2, with oclif's message. Some
   * of oclif's own (a value outside --format's options, a flag given no value) carry no exit code
   * and would otherwise take the configured default, 3, which means "could not check".
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- oclif's FlagOutput/ArgOutput (Record<string, any>), not exported
  protected override async parse<F extends Record<string, any>, B extends Record<string, any>, A extends Record<string, any>>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv);
    } catch (err) {
      if (isVouchError(err)) throw err;
      if (err instanceof Errors.CLIError) {
        err.oclif.exit = EXIT.USAGE;
        throw err;
      }
      throw new Errors.CLIError(messageOf(err), { exit: EXIT.USAGE });
    }
  }

  /**
   * Builds the run context: effective time from the flag (else the clock), logger on stderr, and
   * the command's deadline (--timeout, default 10 minutes) as the signal every request follows.
   * The verify commands pass `progress` (their --quiet): long reads then draw a progress line on
   * stderr when it is a terminal (src/cli/progress-line.ts); other commands never draw one.
   */
  protected contextFrom(flags: ReportFlagValues, progress?: { readonly quiet: boolean }): RunContext {
    this.jsonMode = flags.json || flags.format === 'json';
    policyTimeout(flags['policy-timeout']); // a usage error before any work, not after the image is read
    // --json means --format json: with another format named the two contradict each other.
    if (flags.json && flags.format !== 'json' && flags.format !== 'text') {
      throw new VouchError({ code: 'USAGE', message: `--json contradicts --format ${flags.format}: give one of them` });
    }
    const now = parseEffectiveTime(flags['effective-time']);
    checkOutputWritable(flags.output);
    this.timeoutMs = parseDuration(flags.timeout, '--timeout') ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const { signal } = commandDeadline(this.timeoutMs);
    this.deadline = signal;
    this.progress = progress && progressLine({ quiet: progress.quiet, reportOnStderr: sameFileAsStderr(flags.output) });
    const sink = this.progress?.sink;
    return { now, log: stderrLogger(flags.verbose, () => this.progress?.clear()), signal, ...(sink !== undefined && { progress: sink }) };
  }

  /** Ends the progress line (wiped for good) before anything else is written: a report, a summary, an error. */
  protected stopProgress(): void {
    this.progress?.stop();
  }

  /**
   * Loads the --policy values (default: the default policy) before anything is fetched or read, so
   * that an unknown built-in name or an invalid policy file is a usage error (exit 2) at once.
   */
  protected policiesFrom(specs: readonly string[]): Promise<Policy[]> {
    return loadPolicies(specs);
  }

  protected formatOf(flags: ReportFlagValues): ReportFormat {
    return (flags.json ? 'json' : flags.format) as ReportFormat;
  }

  /**
   * How the library runs a verify command: the loaded policies, the effective time, the command's
   * deadline as the signal (its reason names --timeout) with the same timeout, the policy budget.
   */
  protected runOptions(policies: readonly Policy[], flags: ReportFlagValues, ctx: RunContext): RunOptions {
    const policyTimeoutMs = policyTimeout(flags['policy-timeout']);
    return {
      policies,
      effectiveTime: ctx.now,
      log: ctx.log,
      timeoutMs: this.timeoutMs,
      ...(ctx.signal !== undefined && { signal: ctx.signal }),
      ...(policyTimeoutMs !== undefined && { policyTimeoutMs }),
    };
  }

  /**
   * Evaluates the policies over evidence already collected (`policy eval`) with the library, then
   * writes the report and sets the exit code. The policy engine (CEL) is imported here, not at
   * start-up, so `--help` and usage errors stay fast; it is imported without the policy parser
   * (yaml, ajv), which only policy files need.
   */
  protected async judge(evidence: Evidence, policies: readonly Policy[], flags: ReportFlagValues, ctx: RunContext): Promise<Report> {
    const { evaluatePolicies } = await import('../library/evaluate.js');
    const policyTimeoutMs = policyTimeout(flags['policy-timeout']);
    const report = evaluatePolicies(policies, evidence, { effectiveTime: ctx.now, ...(policyTimeoutMs !== undefined && { timeoutMs: policyTimeoutMs }) });
    await this.conclude(report, flags);
    return report;
  }

  /** Writes the library's report and sets the exit code from its verdict. */
  protected async conclude(report: Report, flags: ReportFlagValues): Promise<void> {
    await this.emit(report, flags);
    process.exitCode = report.verdict === 'pass' ? EXIT.PASS : EXIT.FAIL;
  }

  /** Writes a report to stdout, or to --output with a one-line verdict on stderr. */
  protected async emit(report: Report, flags: ReportFlagValues): Promise<void> {
    this.stopProgress();
    const format = this.formatOf(flags);
    const toFile = flags.output !== undefined;
    const style = textStyle(process.env, { isTTY: Boolean(process.stdout.isTTY), columns: process.stdout.columns }, toFile);
    const { verdictLine, writeReport } = await import('../library/report.js');
    // Written piece by piece: a large JSON report is never one string.
    await writeReport(report, format, toFile ? (flags.output as string) : process.stdout, { color: format === 'text' && style.color, width: style.width, verbose: flags.verbose });
    if (toFile) process.stderr.write(`${verdictLine(report)}; ${format} report written to ${flags.output}\n`);
  }

  /**
   * Errors end here. Parse errors keep oclif's message and exit 2; a VouchError prints its code,
   * message and hints (and, in JSON mode, one JSON error document on stdout) and exits 2 or 3.
   * Nothing unexpected ever exits 0 or 1: an unknown error could not check, exit 3.
   */
  override async catch(err: Error & { oclif?: { exit?: number } }): Promise<void> {
    this.stopProgress();
    if (!isVouchError(err) && err.oclif?.exit !== undefined) return super.catch(err);
    // Whatever broke off because the command's deadline passed (a file read, a stream) reports
    // the deadline, not its own abort error.
    const reason: unknown = this.deadline?.aborted ? this.deadline.reason : undefined;
    if (!isVouchError(err) && isVouchError(reason)) err = reason;
    const error = isVouchError(err)
      ? err
      : new VouchError({ code: 'INTERNAL', message: `internal error: ${messageOf(err)}`, cause: err, hints: ['please report this as a bug'] });
    const code = exitCodeFor(error);
    process.stderr.write(`vouch: ${code === EXIT.USAGE ? 'usage error' : 'could not check'}: ${error.message} [${error.code}]\n`);
    for (const hint of error.hints) process.stderr.write(`  hint: ${hint}\n`);
    if (process.env['VOUCH_DEBUG'] && error.cause instanceof Error) process.stderr.write(`${error.cause.stack ?? ''}\n`);
    if (this.jsonMode || this.argv.includes('--json') || /(^|\s)(--format[ =]|-f ?)json\b/.test(this.argv.join(' '))) {
      const body = { error: { code: error.code, message: error.message, details: error.details ?? {}, hints: error.hints }, exitCode: code };
      process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    }
    process.exitCode = code;
  }
}
