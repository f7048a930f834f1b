import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryVerdictCache } from './memory.js';
import { at, HOUR, keyOf, T0, TTLS, verdictOf } from '../testing/verdicts.js';

test('memory cache: a pass is reused until its TTL, a fail until its shorter one (injected clock)', async () => {
  const cache = memoryVerdictCache({ ...TTLS, maxEntries: 10 });
  await cache.put(keyOf(1), verdictOf('pass', 'p'), T0);
  await cache.put(keyOf(2), verdictOf('fail', 'f'), T0);
  assert.deepEqual(await cache.get(keyOf(1), at(HOUR)), verdictOf('pass', 'p'));
  assert.equal((await cache.get(keyOf(2), at(TTLS.failTtlMs - 1)))?.verdict, 'fail');
  assert.equal(await cache.get(keyOf(2), at(TTLS.failTtlMs)), undefined);
  assert.equal(await cache.get(keyOf(1), at(TTLS.passTtlMs)), undefined);
  assert.equal(cache.size, 0, 'stale entries are dropped when found');
  assert.equal(await cache.get(keyOf(3), T0), undefined);
});

test('memory cache: the least recently used entry is evicted first', async () => {
  const cache = memoryVerdictCache({ ...TTLS, maxEntries: 3 });
  for (const n of [1, 2, 3]) await cache.put(keyOf(n), verdictOf('pass', String(n)), T0);
  assert.ok(await cache.get(keyOf(1), T0), 'a hit makes 1 the most recent');
  await cache.put(keyOf(4), verdictOf('pass', '4'), T0);
  assert.equal(cache.size, 3);
  assert.equal(await cache.get(keyOf(2), T0), undefined, '2 was the least recently used');
  for (const n of [1, 3, 4]) assert.ok(await cache.get(keyOf(n), T0), `${n} kept`);
});

test('memory cache: bounded by report bytes too; a report over the whole budget is not kept', async () => {
  const one = verdictOf('pass', 'x'.repeat(1000));
  const cache = memoryVerdictCache({ ...TTLS, maxEntries: 100, maxBytes: one.reportJson.length * 2 });
  for (const n of [1, 2, 3]) await cache.put(keyOf(n), one, T0);
  assert.equal(cache.size, 2);
  assert.equal(await cache.get(keyOf(1), T0), undefined);
  await cache.put(keyOf(9), verdictOf('pass', 'y'.repeat(5000)), T0);
  assert.equal(await cache.get(keyOf(9), T0), undefined);
  assert.equal(cache.size, 2);
});

test('memory cache: a put that cannot be stored drops the older entry for the key', async () => {
  const cache = memoryVerdictCache({ ...TTLS, failTtlMs: 0, maxEntries: 10 });
  await cache.put(keyOf(1), verdictOf('pass'), T0);
  await cache.put(keyOf(1), verdictOf('fail'), at(1));
  assert.equal(await cache.get(keyOf(1), at(2)), undefined, 'the newer fail is not cached and the old pass is gone');
  await cache.put(keyOf(2), { verdict: 'could-not-check', reportJson: '{}', storedAt: T0.toISOString() } as never, T0);
  assert.equal(cache.size, 0);
});

test('memory cache: sizes must be positive whole numbers (usage error)', () => {
  assert.throws(() => memoryVerdictCache({ ...TTLS, maxEntries: 0 }), { code: 'USAGE' });
  assert.throws(() => memoryVerdictCache({ ...TTLS, maxEntries: 10, maxBytes: 0.5 }), { code: 'USAGE' });
  assert.throws(() => memoryVerdictCache({ ...TTLS, passTtlMs: -1, maxEntries: 10 }), { code: 'USAGE' });
});

test('memory cache: 20,000 distinct subjects stay within maxEntries', async () => {
  const cache = memoryVerdictCache({ ...TTLS, maxEntries: 1000 });
  for (let n = 0; n < 20_000; n++) await cache.put(keyOf(n), verdictOf('pass'), T0);
  assert.equal(cache.size, 1000);
  assert.ok(await cache.get(keyOf(19_999), T0));
  assert.equal(await cache.get(keyOf(0), T0), undefined);
});
