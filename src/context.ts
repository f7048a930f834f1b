import type { ProgressSink } from './progress.js';

/** Where library code may log: never the console directly; the CLI binds this to stderr. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const noopLogger: Logger = { debug() {}, info() {}, warn() {} };

/**
 * What every collection stage receives besides its own options: the effective time (never read
 * the clock below the CLI), a logger, an abort signal to pass down to I/O, and where to report
 * the progress of long reads (src/progress.ts; none: nothing is reported).
 */
export interface RunContext {
  readonly now: Date;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
}
