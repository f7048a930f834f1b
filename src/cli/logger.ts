import type { Logger } from '../context.js';

/**
 * The CLI's logger: stderr only (stdout carries the report and nothing else). `beforeWrite` wipes
 * a progress line first, so that a message never lands after it on the same line.
 */
export function stderrLogger(verbose: boolean, beforeWrite: () => void = () => undefined): Logger {
  const write = (level: string, message: string) => {
    beforeWrite();
    process.stderr.write(`vouch: ${level}${message}\n`);
  };
  return {
    debug: (m) => verbose && write('debug: ', m),
    info: (m) => verbose && write('', m),
    warn: (m) => write('warning: ', m),
  };
}
