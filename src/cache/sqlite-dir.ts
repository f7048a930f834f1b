/**
 * The folder of `--cache DIR` and the database file in it, made safe before SQLite opens anything.
 *
 * Whoever can write the cache can put a "pass" under the key of a failing subject (keys are
 * digests of public inputs, anyone can compute them), so the cache is as sensitive as the trust
 * material: the folder is created 0700 and the file 0600, and an existing folder or file that
 * another user owns or that group or others may write is refused rather than used. A folder given
 * as a symbolic link, or a path that is not a folder, is a usage error; so is a database path that
 * is not a regular file (a FIFO there would hang SQLite's open), checked before it is opened.
 */
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors.js';

/** The database's file name inside the cache folder. SQLite adds `-wal` and `-shm` beside it, with its mode. */
export const CACHE_DB_FILE = 'verdicts.sqlite';

const HINT_OWN = 'Give --cache a folder of your own that vouch may create (e.g. a new subfolder), or chmod 700 it.';

/**
 * Creates the cache folder (0700) and the database file (0600) when absent and checks both; returns
 * the database's path.
 * @throws VouchError USAGE when the folder or the file cannot be used safely
 */
export function prepareCacheDir(dir: string): string {
  if (dir.length === 0) fail('USAGE', 'the cache folder is empty');
  if (lstatOrUndefined(dir) === undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      fail('USAGE', `cannot create the cache folder ${dir}`, { cause: err, hints: [HINT_OWN] });
    }
  }
  const folder = lstatOrUndefined(dir);
  if (folder === undefined) fail('USAGE', `the cache folder ${dir} does not exist`);
  if (folder.isSymbolicLink()) fail('USAGE', `the cache folder ${dir} is a symbolic link; give the folder itself`, { hints: [HINT_OWN] });
  if (!folder.isDirectory()) fail('USAGE', `the cache path ${dir} is not a folder`, { hints: [HINT_OWN] });
  assertPrivate(folder, `the cache folder ${dir}`);

  const path = join(dir, CACHE_DB_FILE);
  try {
    // Created, never read here (SQLite reads it). 'wx' is O_CREAT | O_EXCL: only a file this call
    // creates gets 0600, and an existing name, a symbolic link included, is never followed.
    writeFileSync(path, '', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') fail('USAGE', `cannot create the cache database ${path}`, { cause: err, hints: [HINT_OWN] });
  }
  const file = lstatOrUndefined(path);
  if (file === undefined) fail('USAGE', `the cache database ${path} vanished while it was opened`);
  if (!file.isFile()) fail('USAGE', `the cache database ${path} is not a regular file`, { hints: ['Remove it; vouch creates a new one.'] });
  assertPrivate(file, `the cache database ${path}`);
  return path;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    fail('USAGE', `cannot read ${path}`, { cause: err });
  }
}

/** Another user, or anyone in the group, who may write here could plant passes: refused. */
function assertPrivate(stats: Stats, what: string): void {
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) fail('USAGE', `${what} belongs to another user (uid ${stats.uid})`, { hints: [HINT_OWN] });
  if ((stats.mode & 0o022) !== 0) {
    fail('USAGE', `${what} may be written by group or others (mode ${(stats.mode & 0o777).toString(8)})`, { hints: [HINT_OWN] });
  }
}
