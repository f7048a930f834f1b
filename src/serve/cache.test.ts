import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verdictCacheKey } from '../cache/key.js';
import { openVerdictCache } from '../cache/open.js';
import { needsRedis, startRedis } from '../testing/redis.js';
import { memoryVerdictCache, singleFlight } from './cache.js';
import { concurrencyLimit } from './limit.js';


// The LRU itself (TTLs, eviction, bounds, entries checked on the way back) is the cache module's:
// src/cache/memory.test.ts and src/cache/entry.test.ts.
test('memory cache: a verdict stored as the admission server stores it is read back', async () => {
  const cache = memoryVerdictCache(2, { passTtlMs: 1000, failTtlMs: 100 });
  const now = new Date('2026-12-01T00:00:00Z');
  const key = verdictCacheKey({ subjectDigest: `sha256:${'a'.repeat(64)}`, policiesDigest: 'p', trustDigest: 't', expectationsDigest: 'e', vouchVersion: '0', evidenceSchemaVersion: 's' });
  const verification = { kind: 'pass', warnings: [] };
  await cache.put(key, { verdict: 'pass', reportJson: JSON.stringify({ ...verification, verdict: 'pass' }), storedAt: now.toISOString() }, now);
  assert.equal((await cache.get(key, now))?.verdict, 'pass');
  assert.equal(await cache.get(key, new Date(now.getTime() + 1001)), undefined, 'expired');
});

test('single flight: concurrent calls for one key share one run; a finished run (or a failed one) is not reused', async () => {
  const flight = singleFlight<number>();
  let runs = 0;
  let release: (v: number) => void = () => undefined;
  const work = () => {
    runs++;
    return new Promise<number>((resolve) => (release = resolve));
  };
  const all = Promise.all(Array.from({ length: 50 }, () => flight('k', work)));
  release(7);
  assert.deepEqual(new Set(await all), new Set([7]));
  assert.equal(runs, 1);
  await assert.rejects(flight('k', () => Promise.reject(new Error('registry down'))), /registry down/);
  assert.equal(await flight('k', () => Promise.resolve(8)), 8, 'a failure is not shared with a later call');
});

test('concurrency limit: at most N run at once, the rest wait their turn, and a failure frees its slot', async () => {
  const limited = concurrencyLimit(3);
  let running = 0;
  let peak = 0;
  const job = (fail: boolean) => async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    if (fail) throw new Error('registry down');
    return 1;
  };
  const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => limited(job(i % 5 === 0))));
  assert.equal(peak, 3);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 40);
  assert.equal(await limited(job(false)), 1);
});

test('shared cache: two admission servers on one Redis share a verdict stored as the server stores it', needsRedis(), async () => {
  const redis = await startRedis();
  const ttls = { passTtlMs: 60_000, failTtlMs: 1000 };
  const [a, b] = await Promise.all([openVerdictCache(redis.url, ttls), openVerdictCache(redis.url, ttls)]);
  try {
    const now = new Date();
    const key = verdictCacheKey({ subjectDigest: `sha256:${'b'.repeat(64)}`, policiesDigest: 'p', trustDigest: 't', expectationsDigest: 'e', vouchVersion: '0', evidenceSchemaVersion: 's' });
    const verification = { kind: 'fail', rule: 'signature-verified', reason: 'no signature', warnings: [] };
    await a.put(key, { verdict: 'fail', reportJson: JSON.stringify({ ...verification, verdict: 'fail' }), storedAt: now.toISOString() }, now);
    const hit = await b.get(key, now);
    assert.equal(hit?.verdict, 'fail');
    assert.deepEqual(JSON.parse(hit.reportJson), { ...verification, verdict: 'fail' });
  } finally {
    await a.close();
    await b.close();
    await redis.stop();
  }
});
