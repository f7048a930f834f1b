import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryVerdictCache, singleFlight } from './cache.js';
import { concurrencyLimit } from './limit.js';

const t0 = new Date('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const value = (verdict: 'pass' | 'fail') => ({ verdict, reportJson: '{}', storedAt: t0.toISOString() });

test('memory cache: passes live for their TTL, failures for theirs, and the least recently used entry goes first', async () => {
  const cache = memoryVerdictCache(2, { passTtlMs: 1000, failTtlMs: 100 });
  await cache.put('p', value('pass'), t0);
  await cache.put('f', value('fail'), t0);
  assert.equal((await cache.get('f', at(99)))?.verdict, 'fail');
  assert.equal(await cache.get('f', at(100)), undefined, 'a failure expires soon');
  assert.equal((await cache.get('p', at(999)))?.verdict, 'pass');
  assert.equal(await cache.get('p', at(1000)), undefined);
  await cache.put('a', value('pass'), t0);
  await cache.put('b', value('pass'), t0);
  await cache.get('a', t0); // a is now the most recent
  await cache.put('c', value('pass'), t0);
  assert.equal(cache.size, 2);
  assert.equal(await cache.get('b', t0), undefined, 'b was the least recently used');
  assert.ok(await cache.get('a', t0));
  assert.ok(await cache.get('c', t0));
});

test('memory cache: 10,000 entries stay bounded at the maximum', async () => {
  const cache = memoryVerdictCache(1000, { passTtlMs: 1000, failTtlMs: 100 });
  for (let i = 0; i < 10_000; i++) await cache.put(`k${i}`, value('pass'), t0);
  assert.equal(cache.size, 1000);
  assert.ok(await cache.get('k9999', t0));
  assert.equal(await cache.get('k0', t0), undefined);
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
