import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './cli.js';

/** ../shared/realdata: real files made by the real tools (see its MANIFEST.md); never copied in. */
export const REALDATA = join(PROJECT_ROOT, '..', 'shared', 'realdata');

const available = existsSync(join(REALDATA, 'MANIFEST.md'));

/**
 * Path of a real-data file, for tests. When ../shared is absent the test is skipped with a message,
 * except under CI (CI=true), where missing real data is a failure.
 */
export function realdata(relativePath: string): string {
  return join(REALDATA, relativePath);
}

/** Options for `test(name, needsRealdata(), fn)`: skip with a reason when the real data is absent. */
export function needsRealdata(): { skip?: string } {
  if (available) return {};
  if (process.env['CI'] === 'true') throw new Error(`real data missing at ${REALDATA} (required under CI)`);
  return { skip: `../shared/realdata is absent; real-data tests skipped` };
}
