/**
 * The progress bar of a batch on stderr: subjects done of total, failures, throughput and ETA.
 * Shown only when stderr is a terminal that can redraw a line (not TERM=dumb) and --quiet is not
 * given, so that logs, pipes and tests never see it; stdout is never touched. The progress line
 * of one subject is ./progress-line.ts.
 */
import { REDRAW_MS } from './progress-line.js';
import { redrawAllowed } from './terminal.js';

export interface Progress {
  done(exitCode: number): void;
  finish(): void;
}

const NONE: Progress = { done() {}, finish() {} };


/** Redraws at most every REDRAW_MS (the progress line's): a batch of tiny packages would otherwise spend its time drawing. */
export function progressBar(total: number, options: { readonly quiet: boolean; readonly stream?: NodeJS.WriteStream; readonly env?: NodeJS.ProcessEnv }): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !redrawAllowed(options.env ?? process.env, stream) || total === 0) return NONE;
  const started = performance.now();
  let count = 0;
  let failed = 0;
  let unchecked = 0;
  let drawn = 0;
  const draw = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta = rate > 0 ? Math.round((total - count) / rate) : undefined;
    const width = Math.max(10, Math.min(40, (stream.columns || 80) - 70));
    const filled = Math.round((count / total) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const line = `[${bar}] ${count}/${total}  ${failed} failed  ${unchecked} could not check  ${rate.toFixed(1)}/s  ETA ${eta === undefined ? '?' : formatSeconds(eta)}`;
    stream.write(`\r${line.slice(0, (stream.columns || 80) - 1)}\u001b[K`);
  };
  return {
    done(exitCode) {
      count++;
      if (exitCode === 1) failed++;
      if (exitCode === 3) unchecked++;
      const now = performance.now();
      if (now - drawn >= REDRAW_MS || count === total) {
        drawn = now;
        draw();
      }
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
