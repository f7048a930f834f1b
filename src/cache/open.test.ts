import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openVerdictCache, parseCacheSpec } from './open.js';
import { parseRedisUrl } from './redis-url.js';
import { CACHE_DB_FILE } from './sqlite-dir.js';
import { keyOf, T0, TTLS, verdictOf } from '../testing/verdicts.js';

const root = mkdtempSync(join(tmpdir(), 'vouch-open-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('open: a folder is the SQLite store, a redis:// or rediss:// URL the Redis store, another URL a usage error', async () => {
  assert.deepEqual(parseCacheSpec('/var/cache/vouch'), { kind: 'sqlite', dir: '/var/cache/vouch' });
  assert.deepEqual(parseCacheSpec('relative/dir'), { kind: 'sqlite', dir: 'relative/dir' });
  assert.deepEqual(parseCacheSpec('redis://cache:6379'), { kind: 'redis', url: 'redis://cache:6379' });
  assert.deepEqual(parseCacheSpec('REDISS://cache'), { kind: 'redis', url: 'REDISS://cache' });
  for (const bad of ['', '  ', 'memcached://cache:11211', 'http://cache/', 'file:///tmp/x']) {
    assert.throws(() => parseCacheSpec(bad), { code: 'USAGE' }, bad);
  }
  const dir = join(root, 'sqlite');
  const cache = await openVerdictCache(dir, TTLS);
  await cache.put(keyOf(1), verdictOf('pass'), T0);
  assert.equal((await cache.get(keyOf(1), T0))?.verdict, 'pass');
  await cache.close();
  assert.ok(existsSync(join(dir, CACHE_DB_FILE)));
});

test('open: TTLs and Redis timeouts are checked before anything is opened', async () => {
  await assert.rejects(openVerdictCache(join(root, 'never'), { ...TTLS, passTtlMs: Number.NaN }), { code: 'USAGE' });
  assert.ok(!existsSync(join(root, 'never')));
  await assert.rejects(openVerdictCache('redis://127.0.0.1:1', { ...TTLS, redisCommandTimeoutMs: 0 }), { code: 'USAGE' });
});

test('open: a Redis URL gives host, port, database and credentials, and nothing else', () => {
  assert.deepEqual(parseRedisUrl('redis://cache.internal'), { tls: false, host: 'cache.internal', port: 6379, db: 0, redacted: 'redis://cache.internal:6379/0' });
  assert.deepEqual(parseRedisUrl('rediss://u:p%40ss@[::1]:7000/3'), {
    tls: true, host: '::1', port: 7000, db: 3, username: 'u', password: 'p@ss', redacted: 'rediss://[::1]:7000/3',
  });
  assert.deepEqual(parseRedisUrl('redis://:only-password@h/'), { tls: false, host: 'h', port: 6379, db: 0, password: 'only-password', redacted: 'redis://h:6379/0' });
  for (const bad of ['redis://', 'redis://h?commandTimeout=60000', 'redis://h/#x', 'redis://h/db', 'redis://h/1/2', 'redis://u:%zz@h', 'http://h', 'redis://h:notaport']) {
    assert.throws(() => parseRedisUrl(bad), { code: 'USAGE' }, bad);
  }
});
