import type { Logger } from '../context.js';

/** The CLI's logger: stderr only (stdout carries the report and nothing else). */
export function stderrLogger(verbose: boolean): Logger {
  const write = (level: string, message: string) => process.stderr.write(`vouch: ${level}${message}\n`);
  return {
    debug: (m) => verbose && write('debug: ', m),
    info: (m) => verbose && write('', m),
    warn: (m) => write('warning: ', m),
  };
}
