/**
 * The verdict cache of `--cache DIR`: one SQLite database (node:sqlite, see
 * docs/adr/0004-verdict-cache-store.md) that several vouch processes may read and write at once.
 *
 * Safe for concurrent runs: WAL mode (readers never wait for the writer), a busy timeout (writers
 * queue instead of failing), every write one statement (atomic on its own). Never fatal: a file
 * that is not a database, a schema this version does not know, or a disk that fails turns the
 * cache off for the run with one warning, and every lookup after that is a miss. A row is
 * believed only after the checks of entry.ts; oversized or mistyped columns are filtered out in
 * SQL, before their bytes reach JavaScript.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { messageOf } from '../errors.js';
import { entryFromStore, entryToStore, MAX_CACHED_REPORT_BYTES } from './entry.js';
import { prepareCacheDir } from './sqlite-dir.js';
import { loadSqlite } from './sqlite-module.js';
import { disabledVerdictCache } from './disabled.js';
import type { CachedVerdict, VerdictCache, VerdictCacheOptions } from './types.js';

export const CACHE_SCHEMA_VERSION = 1;
/** How long a write waits for another process's write before it gives up (a miss, not an error). */
export const CACHE_BUSY_TIMEOUT_MS = 5000;
/** Expired rows are deleted at the first put and then every this many puts, at most PRUNE_BATCH at a time. */
const PRUNE_EVERY = 256;
const PRUNE_BATCH = 1000;

const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

export interface SqliteVerdictCacheOptions extends VerdictCacheOptions {
  readonly onWarning?: (message: string) => void;
}

class SqliteVerdictCache implements VerdictCache {
  private readonly select: StatementSync;
  private readonly upsert: StatementSync;
  private readonly remove: StatementSync;
  private readonly prune: StatementSync;
  private puts = 0;
  private broken = false;
  private readonly warned = new Set<string>();

  constructor(
    private readonly db: DatabaseSync,
    private readonly path: string,
    private readonly options: SqliteVerdictCacheOptions,
  ) {
    // Only rows whose columns have the types and sizes written are returned at all.
    this.select = db.prepare(`SELECT key, verdict, report_json AS reportJson, stored_at AS storedAt, expires_at AS expiresAt FROM verdicts
      WHERE key = ? AND typeof(verdict) = 'text' AND octet_length(verdict) <= 8
        AND typeof(report_json) = 'text' AND octet_length(report_json) <= ${MAX_CACHED_REPORT_BYTES}
        AND typeof(stored_at) = 'text' AND octet_length(stored_at) <= 64
        AND typeof(expires_at) = 'integer' AND expires_at BETWEEN 0 AND ${Number.MAX_SAFE_INTEGER}`);
    this.upsert = db.prepare(`INSERT INTO verdicts (key, verdict, report_json, stored_at, expires_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET verdict = excluded.verdict, report_json = excluded.report_json,
        stored_at = excluded.stored_at, expires_at = excluded.expires_at`);
    this.remove = db.prepare('DELETE FROM verdicts WHERE key = ?');
    this.prune = db.prepare(`DELETE FROM verdicts WHERE rowid IN
      (SELECT rowid FROM verdicts WHERE typeof(expires_at) != 'integer' OR expires_at <= ? LIMIT ${PRUNE_BATCH})`);
  }

  get(key: string, now: Date): Promise<CachedVerdict | undefined> {
    if (this.broken) return Promise.resolve(undefined);
    try {
      const row = this.select.get(key) as Record<string, unknown> | undefined;
      return Promise.resolve(entryFromStore(key, row, now, this.options));
    } catch (err) {
      this.failed('read', err);
      return Promise.resolve(undefined);
    }
  }

  put(key: string, value: CachedVerdict, now: Date): Promise<void> {
    if (this.broken) return Promise.resolve();
    try {
      const entry = entryToStore(key, value, now, this.options);
      // Not storable: whatever was stored for the key is superseded by this newer verification.
      if (typeof entry === 'string') this.remove.run(key);
      else this.upsert.run(entry.key, entry.verdict, entry.reportJson, entry.storedAt, entry.expiresAt);
      if (this.puts++ % PRUNE_EVERY === 0) this.prune.run(now.getTime());
    } catch (err) {
      this.failed('write', err);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }

  /** A damaged database turns the cache off; anything else (busy, disk full) costs this one operation. */
  private failed(what: 'read' | 'write', err: unknown): void {
    const damaged = isDamaged(err);
    if (damaged) this.broken = true;
    const kind = damaged ? 'damaged' : what;
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    const tail = damaged ? 'the cache is off for this run; delete the file to start a new cache' : 'verifying without the cache';
    this.options.onWarning?.(`verdict cache ${this.path}: ${what} failed (${messageOf(err)}); ${tail}`);
  }
}

/** SQLite's primary result code of a node:sqlite error, if it has one. */
function sqliteCode(err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

function isDamaged(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === SQLITE_CORRUPT || code === SQLITE_NOTADB;
}

/**
 * Creates the schema on a new database, or checks the version of an existing one, in one
 * immediate transaction so that two processes opening a new cache at once do not both create it.
 * Returns a problem sentence when the database is not one this version can use.
 */
function migrate(db: DatabaseSync): string | undefined {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS vouch_schema (version INTEGER NOT NULL)');
    const versions = db.prepare('SELECT version FROM vouch_schema').all().map((r) => r['version']);
    if (versions.length === 0) {
      db.prepare('INSERT INTO vouch_schema (version) VALUES (?)').run(CACHE_SCHEMA_VERSION);
      db.exec(`CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY NOT NULL, verdict TEXT NOT NULL,
        report_json TEXT NOT NULL, stored_at TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
      db.exec('CREATE INDEX IF NOT EXISTS verdicts_expires_at ON verdicts (expires_at)');
    } else if (versions.length !== 1 || versions[0] !== CACHE_SCHEMA_VERSION) {
      db.exec('ROLLBACK');
      return `it has schema version ${versions.map(String).join(', ')}, this vouch uses ${CACHE_SCHEMA_VERSION}`;
    }
    db.exec('COMMIT');
    return undefined;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Opens (creating when absent) the SQLite verdict cache in `dir`. A database that cannot be used
 * gives a warning and a cache that is always a miss, never an error: the run goes on uncached.
 * @throws VouchError USAGE when the folder is unsafe or not a folder (see sqlite-dir.ts)
 */
export function openSqliteVerdictCache(dir: string, options: SqliteVerdictCacheOptions): VerdictCache {
  const path = prepareCacheDir(dir);
  const { DatabaseSync } = loadSqlite();
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${CACHE_BUSY_TIMEOUT_MS}`);
    // The schema is data from disk: no function in it (a view, a trigger) runs with side effects.
    db.exec('PRAGMA trusted_schema = OFF');
    db.exec('PRAGMA journal_mode = WAL');
    // In WAL mode NORMAL loses at most the last commits on power loss, never consistency.
    db.exec('PRAGMA synchronous = NORMAL');
    const problem = migrate(db);
    if (problem !== undefined) {
      db.close();
      options.onWarning?.(`verdict cache ${path} cannot be used: ${problem}; the cache is off for this run`);
      return disabledVerdictCache();
    }
    return new SqliteVerdictCache(db, path, options);
  } catch (err) {
    if (db?.isOpen === true) db.close();
    const tail = isDamaged(err) ? '; delete the file to start a new cache' : '';
    options.onWarning?.(`verdict cache ${path} cannot be opened (${messageOf(err)}); the cache is off for this run${tail}`);
    return disabledVerdictCache();
  }
}
