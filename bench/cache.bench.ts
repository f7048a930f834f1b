/**
 * Verdict cache cost (docs/adr/0004-verdict-cache-store.md): opening a SQLite cache (new and
 * existing file), storing and looking up verdicts, for reports of 8 KiB (an apk's) and 256 KiB (a
 * large image's). Three SQLite rows run the same schema and statements: vouch's store (node:sqlite,
 * with its checks of every entry read back), node:sqlite alone (the floor), and better-sqlite3
 * when BETTER_SQLITE3 names its package folder (it is not a dependency: `npm install
 * better-sqlite3` in a scratch folder, then BETTER_SQLITE3=/scratch/node_modules/better-sqlite3).
 * The in-memory LRU is measured as well. Throughput is operations per second of wall time in one
 * process (the best of three rounds) with its CPU time per operation; every file goes to a
 * temporary folder that is removed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { memoryVerdictCache, openVerdictCache, verdictCacheKey } from '../dist/cache/index.js';
import type { CachedVerdict, VerdictCache } from '../src/cache/index.js';

const TTLS = { passTtlMs: 24 * 3_600_000, failTtlMs: 300_000 };
const NOW = new Date('2026-11-02T00:00:00Z');
const SCHEMA = `CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY NOT NULL, verdict TEXT NOT NULL,
  report_json TEXT NOT NULL, stored_at TEXT NOT NULL, expires_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS verdicts_expires_at ON verdicts (expires_at)`;
const UPSERT = `INSERT INTO verdicts (key, verdict, report_json, stored_at, expires_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET verdict = excluded.verdict, report_json = excluded.report_json,
  stored_at = excluded.stored_at, expires_at = excluded.expires_at`;
const SELECT = 'SELECT key, verdict, report_json AS reportJson, stored_at AS storedAt, expires_at AS expiresAt FROM verdicts WHERE key = ?';

/** The same four operations for every SQLite binding: open, put, get, close. */
interface Store {
  put(key: string, value: CachedVerdict): void | Promise<void>;
  get(key: string): unknown;
  close(): void | Promise<void>;
}
type Opener = (dir: string) => Store | Promise<Store>;

interface RawDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): { run(...args: unknown[]): unknown; get(...args: unknown[]): unknown };
  close(): unknown;
}

function rawStore(db: RawDatabase): Store {
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec(SCHEMA);
  const upsert = db.prepare(UPSERT);
  const select = db.prepare(SELECT);
  return {
    put: (key, v) => void upsert.run(key, v.verdict, v.reportJson, NOW.toISOString(), NOW.getTime() + TTLS.passTtlMs),
    get: (key) => select.get(key),
    close: () => void db.close(),
  };
}

function vouchStore(cache: VerdictCache): Store {
  return { put: (key, v) => cache.put(key, v, NOW), get: (key) => cache.get(key, NOW), close: () => cache.close() };
}

function openers(): [string, Opener][] {
  const list: [string, Opener][] = [
    ['vouch store (node:sqlite)', async (dir) => vouchStore(await openVerdictCache(dir, TTLS))],
    ['floor: node:sqlite alone', (dir) => rawStore(new DatabaseSync(join(dir, 'raw.sqlite')) as unknown as RawDatabase)],
  ];
  const better = process.env['BETTER_SQLITE3'];
  if (better !== undefined && better !== '') {
    const Better = createRequire(import.meta.url)(better) as new (path: string) => RawDatabase;
    list.push(['better-sqlite3 alone', (dir) => rawStore(new Better(join(dir, 'better.sqlite')))]);
  }
  return list;
}

function keyOf(n: number): string {
  const digest = `sha256:${n.toString(16).padStart(64, '0')}`;
  return verdictCacheKey({ subjectDigest: digest, policiesDigest: 'p', trustDigest: 't', expectationsDigest: 'e', vouchVersion: 'v', evidenceSchemaVersion: '1' });
}

function verdictOfSize(bytes: number): CachedVerdict {
  const head = '{"verdict":"pass","pad":"';
  return { verdict: 'pass', reportJson: `${head}${'x'.repeat(bytes - head.length - 2)}"}`, storedAt: NOW.toISOString() };
}

/** Wall and CPU milliseconds of fn, the best of `rounds` runs (the machine may be shared). */
async function timed(fn: () => unknown, rounds = 3): Promise<{ wall: number; cpu: number }> {
  let best = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - start;
    if (wall < best.wall) best = { wall, cpu: (used.user + used.system) / 1000 };
  }
  return best;
}

/** "N /s (M µs CPU)" for `count` operations timed together. */
function rate(t: { wall: number; cpu: number }, count: number): string {
  return `${Math.round((count / t.wall) * 1000)} /s (${((t.cpu * 1000) / count).toFixed(0)} µs CPU)`;
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'vouch-cache-bench-'));
  const rows: [string, string, string][] = [];
  try {
    let n = 0;
    for (const [name, open] of openers()) {
      const fresh = (): string => {
        const dir = join(root, `db-${n++}`);
        mkdirSync(dir, { mode: 0o700 });
        return dir;
      };
      // Once untimed: loads the modules, so the rows below are what each further open costs.
      await (await open(fresh())).close();
      const newOpen = await timed(async () => (await open(fresh())).close(), 5);
      const dir = fresh();
      await (await open(dir)).close();
      const existingOpen = await timed(async () => (await open(dir)).close(), 5);
      rows.push([name, 'open a new file / an existing one', `${newOpen.wall.toFixed(2)} / ${existingOpen.wall.toFixed(2)} ms`]);
      for (const [size, count] of [[8 * 1024, 5000], [256 * 1024, 500]] as const) {
        const store = await open(dir);
        const value = verdictOfSize(size);
        const keys = Array.from({ length: count }, (_, i) => keyOf(i + size));
        const missing = Array.from({ length: count }, (_, i) => keyOf(1e9 + i));
        const put = await timed(async () => {
          for (const key of keys) await store.put(key, value);
        });
        const hit = await timed(async () => {
          for (const key of keys) if ((await store.get(key)) === undefined) throw new Error(`${name}: miss after put`);
        });
        const miss = await timed(async () => {
          for (const key of missing) await store.get(key);
        });
        await store.close();
        const kib = size / 1024;
        rows.push([name, `put ${kib} KiB`, rate(put, count)]);
        rows.push([name, `get hit ${kib} KiB`, rate(hit, count)]);
        rows.push([name, `get miss`, rate(miss, count)]);
      }
    }
    const memory = memoryVerdictCache({ ...TTLS, maxEntries: 10_000 });
    const value = verdictOfSize(8 * 1024);
    const keys = Array.from({ length: 20_000 }, (_, i) => keyOf(i));
    const put = await timed(async () => {
      for (const key of keys) await memory.put(key, value, NOW);
    });
    const hit = await timed(async () => {
      for (const key of keys.slice(10_000)) await memory.get(key, NOW);
    });
    rows.push(['memory LRU (10,000 entries)', 'put 8 KiB (evicting)', rate(put, keys.length)]);
    rows.push(['memory LRU (10,000 entries)', 'get hit 8 KiB', rate(hit, 10_000)]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log('| store | operation | result |');
  console.log('| --- | --- | ---: |');
  for (const [store, op, result] of rows) console.log(`| ${store} | ${op} | ${result} |`);
}
