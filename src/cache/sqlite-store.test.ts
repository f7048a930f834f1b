import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CACHE_DB_FILE } from './sqlite-dir.js';
import { openSqliteVerdictCache } from './sqlite-store.js';
import { at, HOUR, keyOf, T0, TTLS, verdictOf } from '../testing/verdicts.js';

const root = mkdtempSync(join(tmpdir(), 'vouch-sqlite-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function freshDir(): string {
  return join(root, `cache-${n++}`);
}

function withWarnings(): { warnings: string[]; options: typeof TTLS & { onWarning: (m: string) => void } } {
  const warnings: string[] = [];
  return { warnings, options: { ...TTLS, onWarning: (m) => void warnings.push(m) } };
}

test('sqlite cache: stores and reads back a pass and a fail, each until its TTL; survives reopening', async () => {
  const dir = freshDir();
  const { warnings, options } = withWarnings();
  const cache = openSqliteVerdictCache(dir, options);
  await cache.put(keyOf(1), verdictOf('pass', 'p'), T0);
  await cache.put(keyOf(2), verdictOf('fail', 'f'), T0);
  await cache.close();
  const again = openSqliteVerdictCache(dir, options);
  assert.deepEqual(await again.get(keyOf(1), at(HOUR)), verdictOf('pass', 'p'));
  assert.equal((await again.get(keyOf(2), at(TTLS.failTtlMs - 1)))?.verdict, 'fail');
  assert.equal(await again.get(keyOf(2), at(TTLS.failTtlMs)), undefined);
  assert.equal(await again.get(keyOf(1), at(TTLS.passTtlMs)), undefined);
  assert.equal(await again.get(keyOf(3), T0), undefined);
  await again.close();
  assert.deepEqual(warnings, []);
});

test('sqlite cache: the folder is created 0700 and the database 0600', async () => {
  const dir = join(freshDir(), 'nested');
  const cache = openSqliteVerdictCache(dir, TTLS);
  await cache.put(keyOf(1), verdictOf('pass'), T0);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, CACHE_DB_FILE)).mode & 0o777, 0o600);
  await cache.close();
});

test('sqlite cache: a symbolic link, a file, a shared folder or a database that is a folder, a link or writable by others is a usage error', () => {
  const real = freshDir();
  mkdirSync(real, { mode: 0o700 });
  const link = freshDir();
  symlinkSync(real, link);
  assert.throws(() => openSqliteVerdictCache(link, TTLS), { code: 'USAGE', message: /symbolic link/ });
  const file = freshDir();
  writeFileSync(file, 'x');
  assert.throws(() => openSqliteVerdictCache(file, TTLS), { code: 'USAGE', message: /not a folder/ });
  const shared = freshDir();
  mkdirSync(shared, { mode: 0o700 });
  chmodSync(shared, 0o777);
  assert.throws(() => openSqliteVerdictCache(shared, TTLS), { code: 'USAGE', message: /group or others/ });
  const withFolderAsDb = freshDir();
  mkdirSync(join(withFolderAsDb, CACHE_DB_FILE), { recursive: true, mode: 0o700 });
  chmodSync(withFolderAsDb, 0o700);
  assert.throws(() => openSqliteVerdictCache(withFolderAsDb, TTLS), { code: 'USAGE', message: /not a regular file/ });
  const writableDb = freshDir();
  mkdirSync(writableDb, { mode: 0o700 });
  writeFileSync(join(writableDb, CACHE_DB_FILE), '', { mode: 0o666 });
  chmodSync(join(writableDb, CACHE_DB_FILE), 0o666);
  assert.throws(() => openSqliteVerdictCache(writableDb, TTLS), { code: 'USAGE', message: /group or others/ });
  const linkedDb = freshDir();
  mkdirSync(linkedDb, { mode: 0o700 });
  symlinkSync(join(root, 'elsewhere.sqlite'), join(linkedDb, CACHE_DB_FILE));
  assert.throws(() => openSqliteVerdictCache(linkedDb, TTLS), { code: 'USAGE', message: /not a regular file/ });
  assert.ok(!existsSync(join(root, 'elsewhere.sqlite')), 'nothing is created through the link');
  assert.throws(() => openSqliteVerdictCache('', TTLS), { code: 'USAGE' });
});

test('sqlite cache: a FIFO in place of the database is refused before it is opened (no hang)', { timeout: 60_000 }, async () => {
  const dir = freshDir();
  mkdirSync(dir, { mode: 0o700 });
  assert.equal(spawnSync('mkfifo', ['-m', '600', join(dir, CACHE_DB_FILE)]).status, 0);
  assert.throws(() => openSqliteVerdictCache(dir, TTLS), { code: 'USAGE', message: /not a regular file/ });
});

test('sqlite cache: a database of garbage bytes gives one clear warning and a cache that is always a miss', async () => {
  const dir = freshDir();
  mkdirSync(dir, { mode: 0o700 });
  const garbage = Buffer.alloc(64 * 1024);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) & 0xff;
  writeFileSync(join(dir, CACHE_DB_FILE), garbage, { mode: 0o600 });
  const { warnings, options } = withWarnings();
  const cache = openSqliteVerdictCache(dir, options);
  await cache.put(keyOf(1), verdictOf('pass'), T0);
  assert.equal(await cache.get(keyOf(1), T0), undefined);
  await cache.close();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /cannot be opened \(file is not a database\); the cache is off for this run; delete the file/);
});

for (const [where, from] of [['its schema', 100], ['its data pages', 16384]] as const) {
  test(`sqlite cache: a database damaged in ${where} turns the cache off with one warning`, async () => {
    const dir = freshDir();
    const { warnings, options } = withWarnings();
    const cache = openSqliteVerdictCache(dir, options);
    for (let i = 0; i < 50; i++) await cache.put(keyOf(i), verdictOf('pass', 'x'.repeat(4000)), T0);
    await cache.close();
    const path = join(dir, CACHE_DB_FILE);
    const fd = openSync(path, 'r+');
    const size = fstatSync(fd).size;
    writeSync(fd, Buffer.alloc(size - from, 0xa5), 0, size - from, from);
    closeSync(fd);
    const damaged = openSqliteVerdictCache(dir, options);
    for (let i = 0; i < 50; i++) assert.equal(await damaged.get(keyOf(i), T0), undefined);
    await damaged.put(keyOf(100), verdictOf('pass'), T0);
    assert.equal(await damaged.get(keyOf(100), T0), undefined);
    await damaged.close();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /malformed.*the cache is off for this run; delete the file/);
  });
}

test('sqlite cache: a schema version this vouch does not know leaves the file alone and turns the cache off', async () => {
  const dir = freshDir();
  await openSqliteVerdictCache(dir, TTLS).close();
  const db = new DatabaseSync(join(dir, CACHE_DB_FILE));
  db.exec('UPDATE vouch_schema SET version = 99');
  db.close();
  const { warnings, options } = withWarnings();
  const cache = openSqliteVerdictCache(dir, options);
  await cache.put(keyOf(1), verdictOf('pass'), T0);
  assert.equal(await cache.get(keyOf(1), T0), undefined);
  assert.match(warnings.join('\n'), /schema version 99, this vouch uses 1/);
  const check = new DatabaseSync(join(dir, CACHE_DB_FILE));
  assert.deepEqual(check.prepare('SELECT version FROM vouch_schema').all().map((r) => r['version']), [99]);
  check.close();
});

test('sqlite cache: rows written by someone else are believed only when intact', async () => {
  const dir = freshDir();
  const cache = openSqliteVerdictCache(dir, TTLS);
  const db = new DatabaseSync(join(dir, CACHE_DB_FILE));
  const insert = db.prepare('INSERT INTO verdicts (key, verdict, report_json, stored_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  const later = T0.getTime() + HOUR;
  const deep = `{"verdict":"pass","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
  insert.run(keyOf(1), 'pass', '{"verdict":"fail"}', T0.toISOString(), later);
  insert.run(keyOf(2), 'pass', deep, T0.toISOString(), later);
  insert.run(keyOf(3), 'could-not-check', '{"verdict":"could-not-check"}', T0.toISOString(), later);
  insert.run(keyOf(4), 'pass', Buffer.from('{"verdict":"pass"}'), T0.toISOString(), later);
  insert.run(keyOf(5), 'pass', '{"verdict":"pass"}', T0.toISOString(), '9999999999999999999999');
  insert.run(keyOf(6), 'pass', '{"verdict":"pass"}', T0.toISOString(), 2 ** 62);
  insert.run(keyOf(7), 'pass', '{"verdict":"pass"}', at(HOUR).toISOString(), later);
  insert.run('sha256:not-a-key', 'pass', '{"verdict":"pass"}', T0.toISOString(), later);
  insert.run(keyOf(8), 'pass', '{"verdict":"pass"}', T0.toISOString(), later);
  db.close();
  for (let i = 1; i <= 7; i++) assert.equal(await cache.get(keyOf(i), at(1)), undefined, `row ${i}`);
  assert.equal(await cache.get('sha256:not-a-key', at(1)), undefined);
  assert.equal((await cache.get(keyOf(8), at(1)))?.verdict, 'pass', 'an intact row is a hit');
  await cache.close();
});

test('sqlite cache: expired rows are pruned by later puts; a put that cannot be stored removes the old row', async () => {
  const dir = freshDir();
  const cache = openSqliteVerdictCache(dir, TTLS);
  for (let i = 0; i < 10; i++) await cache.put(keyOf(i), verdictOf('fail'), T0);
  // The first put of a new open prunes; TTL of fails is 5 minutes.
  await cache.close();
  const later = openSqliteVerdictCache(dir, { ...TTLS, failTtlMs: 0 });
  await later.put(keyOf(100), verdictOf('pass'), at(HOUR));
  await later.put(keyOf(100), verdictOf('fail'), at(HOUR + 1));
  await later.close();
  const db = new DatabaseSync(join(dir, CACHE_DB_FILE));
  assert.deepEqual(db.prepare('SELECT count(*) AS n FROM verdicts').get()?.['n'], 0);
  db.close();
});

test('sqlite cache: a planted row of 160 MiB is a miss read without loading it (peak RSS of a child process)', { timeout: 120_000 }, async () => {
  const dir = freshDir();
  await openSqliteVerdictCache(dir, TTLS).close();
  const db = new DatabaseSync(join(dir, CACHE_DB_FILE));
  // Made inside SQLite (a zero blob cast to text), so the test process never holds it either.
  db.prepare('INSERT INTO verdicts VALUES (?, ?, CAST(zeroblob(?) AS TEXT), ?, ?)').run(keyOf(1), 'pass', 160 * 1024 * 1024, T0.toISOString(), T0.getTime() + HOUR);
  db.close();
  const store = fileURLToPath(new URL('./sqlite-store.ts', import.meta.url));
  const peak = (lookUp: boolean): number => {
    const code = `import { openSqliteVerdictCache } from ${JSON.stringify(store)};
      const cache = openSqliteVerdictCache(${JSON.stringify(dir)}, ${JSON.stringify(TTLS)});
      const got = ${lookUp} ? await cache.get(${JSON.stringify(keyOf(1))}, new Date(${T0.getTime() + 1})) : undefined;
      process.stdout.write(JSON.stringify({ got: got ?? null, rss: process.resourceUsage().maxRSS }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { got: unknown; rss: number };
    assert.equal(out.got, null);
    return out.rss / 1024;
  };
  const extra = peak(true) - peak(false);
  assert.ok(extra < 64, `looking up the planted row cost ${extra.toFixed(0)} MiB`);
});
