/**
 * node:sqlite, loaded only when a SQLite cache is opened (other runs never pay for it), and without
 * the ExperimentalWarning that Node 22 prints when it loads (Node 24 no longer does). The warning
 * would land on the stderr of every cached CLI run; it says nothing the user can act on, since the
 * choice of node:sqlite is vouch's (docs/adr/0004-verdict-cache-store.md). Only that one warning is
 * dropped, and only while the module loads; every other warning passes through untouched.
 */
import type * as sqlite from 'node:sqlite';

type SqliteModule = typeof sqlite;

let loaded: SqliteModule | undefined;

export function loadSqlite(): SqliteModule {
  if (loaded !== undefined) return loaded;
  const emitWarning = process.emitWarning;
  const quiet = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : typeof warning === 'string' ? undefined : warning.name;
    if (type === 'ExperimentalWarning' && /^SQLite is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = quiet as typeof process.emitWarning;
  try {
    loaded = process.getBuiltinModule('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
  return loaded;
}
