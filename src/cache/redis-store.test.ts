import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { MAX_CACHED_REPORT_BYTES } from './entry.js';
import { openVerdictCache } from './open.js';
import type { OpenVerdictCacheOptions } from './open.js';
import { REDIS_KEY_PREFIX } from './redis-store.js';
import { needsRedis, startRedis } from '../testing/redis.js';
import type { TestRedis } from '../testing/redis.js';
import { at, HOUR, keyOf, T0, TTLS, verdictOf } from '../testing/verdicts.js';

const skip = needsRedis();
let redis: TestRedis | undefined;
let raw: Redis | undefined;
before(async () => {
  if (skip.skip !== undefined) return;
  redis = await startRedis();
  raw = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  await raw.connect();
});
after(async () => {
  raw?.disconnect();
  await redis?.stop();
});

function server(): { redis: TestRedis; raw: Redis } {
  assert.ok(redis && raw);
  return { redis, raw };
}

function options(): { warnings: string[]; options: OpenVerdictCacheOptions } {
  const warnings: string[] = [];
  return { warnings, options: { ...TTLS, onWarning: (m) => void warnings.push(m) } };
}

test('redis cache: stores under vouch:verdict:KEY with SET PX, reads back until the TTL (injected clock)', skip, async () => {
  const { redis, raw } = server();
  const { warnings, options: opts } = options();
  const cache = await openVerdictCache(redis.url, opts);
  await cache.put(keyOf(1), verdictOf('pass', 'p'), T0);
  await cache.put(keyOf(2), verdictOf('fail', 'f'), T0);
  const pttlPass = await raw.pttl(`${REDIS_KEY_PREFIX}${keyOf(1)}`);
  const pttlFail = await raw.pttl(`${REDIS_KEY_PREFIX}${keyOf(2)}`);
  assert.ok(pttlPass > TTLS.passTtlMs - 60_000 && pttlPass <= TTLS.passTtlMs, String(pttlPass));
  assert.ok(pttlFail > 0 && pttlFail <= TTLS.failTtlMs, String(pttlFail));
  assert.deepEqual(await cache.get(keyOf(1), at(HOUR)), verdictOf('pass', 'p'));
  assert.equal((await cache.get(keyOf(2), at(TTLS.failTtlMs - 1)))?.verdict, 'fail');
  assert.equal(await cache.get(keyOf(2), at(TTLS.failTtlMs)), undefined, 'stale by the caller clock even before Redis drops it');
  assert.equal(await cache.get(keyOf(3), T0), undefined);
  await cache.put(keyOf(1), { verdict: 'could-not-check', reportJson: '{}', storedAt: '' } as never, at(1));
  assert.equal(await raw.exists(`${REDIS_KEY_PREFIX}${keyOf(1)}`), 0, 'a result that is not stored removes the older one');
  await cache.close();
  assert.deepEqual(warnings, []);
});

test('redis cache: values planted by someone else are misses unless intact', skip, async () => {
  const { redis, raw } = server();
  const { warnings, options: opts } = options();
  const cache = await openVerdictCache(redis.url, opts);
  const header = (key: string, verdict = 'pass', storedAt = T0.toISOString()): string =>
    JSON.stringify({ key, verdict, storedAt, expiresAt: T0.getTime() + HOUR });
  const planted: [number, string | Buffer][] = [
    [11, `${header(keyOf(12))}\n{"verdict":"pass"}`],
    [12, `${header(keyOf(12), 'pass')}\n{"verdict":"fail"}`],
    [13, `${header(keyOf(13))}\n{"verdict":"pass","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    [14, `${header(keyOf(14))}{"verdict":"pass"}`],
    [15, Buffer.concat([Buffer.from(`${header(keyOf(15))}\n{"verdict":"pass","x":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
    [16, `${header(keyOf(16), 'pass', at(HOUR).toISOString())}\n{"verdict":"pass"}`],
    [17, `${'{'.repeat(2000)}\n{"verdict":"pass"}`],
  ];
  for (const [n, value] of planted) await raw.set(`${REDIS_KEY_PREFIX}${keyOf(n)}`, value);
  await raw.rpush(`${REDIS_KEY_PREFIX}${keyOf(18)}`, 'pass');
  for (let n = 11; n <= 18; n++) assert.equal(await cache.get(keyOf(n), at(1)), undefined, `value ${n}`);
  await raw.set(`${REDIS_KEY_PREFIX}${keyOf(19)}`, `${header(keyOf(19))}\n{"verdict":"pass"}`);
  assert.equal((await cache.get(keyOf(19), at(1)))?.verdict, 'pass', 'an intact value is a hit');
  await cache.close();
  // The list (WRONGTYPE) is the only planted value Redis itself refuses; it is told once.
  assert.ok(warnings.length <= 1, warnings.join('\n'));
});

test('redis cache: a value larger than the cap is never fetched whole', { ...skip, timeout: 60_000 }, async () => {
  const { redis, raw } = server();
  const cache = await openVerdictCache(redis.url, TTLS);
  const key = `${REDIS_KEY_PREFIX}${keyOf(20)}`;
  const head = `${JSON.stringify({ key: keyOf(20), verdict: 'pass', storedAt: T0.toISOString(), expiresAt: T0.getTime() + HOUR })}\n{"verdict":"pass","x":"`;
  await raw.set(key, head);
  // SETRANGE past the end pads with zero bytes: a value 16 MiB over the cap, built inside Redis.
  await raw.setrange(key, MAX_CACHED_REPORT_BYTES + 16 * 1024 * 1024, '"}');
  const before = process.memoryUsage().rss;
  assert.equal(await cache.get(keyOf(20), at(1)), undefined);
  assert.ok(process.memoryUsage().rss - before < 3 * MAX_CACHED_REPORT_BYTES);
  await raw.del(key);
  await cache.close();
});

test('redis cache: Redis down is a miss, told once; a put is dropped; nothing throws', { ...skip, timeout: 60_000 }, async () => {
  const down = await startRedis();
  const { warnings, options: opts } = options();
  const cache = await openVerdictCache(down.url, opts);
  await cache.put(keyOf(1), verdictOf('pass'), T0);
  assert.equal((await cache.get(keyOf(1), T0))?.verdict, 'pass');
  await down.stop();
  for (let i = 0; i < 20; i++) {
    assert.equal(await cache.get(keyOf(1), T0), undefined);
    await cache.put(keyOf(2), verdictOf('pass'), T0);
  }
  await cache.close();
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0] ?? '', /redis:\/\/127\.0\.0\.1:\d+\/0 is unreachable .*verifying without it/);
});

test('redis cache: a Redis that accepts and never answers is a miss after the command timeout, and used again once it answers', { ...skip, timeout: 60_000 }, async () => {
  const frozen = await startRedis();
  const { warnings, options: opts } = options();
  const cache = await openVerdictCache(frozen.url, { ...opts, redisCommandTimeoutMs: 200 });
  frozen.pause();
  try {
    assert.equal(await cache.get(keyOf(1), T0), undefined);
    await cache.put(keyOf(1), verdictOf('pass'), T0);
    assert.equal(await cache.get(keyOf(1), T0), undefined);
    frozen.resume();
    await cache.put(keyOf(1), verdictOf('pass'), T0);
    assert.equal((await cache.get(keyOf(1), T0))?.verdict, 'pass', 'back in use once Redis answers again');
  } finally {
    frozen.resume();
    await cache.close();
    await frozen.stop();
  }
  assert.ok(warnings.length >= 1 && warnings.length <= 2, warnings.join('\n'));
  assert.match(warnings.join('\n'), /timed out/i);
});

test('redis cache: no server at the address at open: a warning and a cache that is always a miss', { ...skip, timeout: 60_000 }, async () => {
  const gone = await startRedis();
  await gone.stop();
  const { warnings, options: opts } = options();
  const cache = await openVerdictCache(`redis://user:secret@127.0.0.1:${gone.port}/2`, opts);
  assert.equal(await cache.get(keyOf(1), T0), undefined);
  await cache.put(keyOf(1), verdictOf('pass'), T0);
  await cache.close();
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.doesNotMatch(warnings[0] ?? '', /secret|user/, 'credentials never appear in a message');
  assert.match(warnings[0] ?? '', new RegExp(`redis://127\\.0\\.0\\.1:${gone.port}/2 is unreachable`));
});

test('redis cache: 300 random mutations and truncations of a stored fail never read back as a pass, and never throw', skip, async () => {
  const { redis, raw } = server();
  const cache = await openVerdictCache(redis.url, TTLS);
  const key = `${REDIS_KEY_PREFIX}${keyOf(30)}`;
  await cache.put(keyOf(30), verdictOf('fail', 'mutated'), T0);
  const original = await raw.getBuffer(key);
  assert.ok(original);
  let seed = 0x9e3779b9;
  const random = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 300; i++) {
    const mutated = Buffer.from(original);
    const kind = random(3);
    const where = random(mutated.length);
    if (kind === 0) mutated[where] = random(256);
    else if (kind === 1) mutated[where] = (mutated[where] ?? 0) ^ (1 << random(8));
    const value = kind === 2 ? mutated.subarray(0, random(mutated.length)) : mutated;
    await raw.set(key, value);
    const got = await cache.get(keyOf(30), at(1));
    assert.notEqual(got?.verdict, 'pass', `mutation ${i}: ${value.toString('latin1').slice(0, 200)}`);
    const name = got === undefined ? 'miss' : got.verdict;
    outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
  }
  assert.ok((outcomes.get('miss') ?? 0) > 100, JSON.stringify([...outcomes]));
  await raw.del(key);
  await cache.close();
});
