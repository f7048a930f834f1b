import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VouchError } from '../errors.js';
import { memoryVerdictCache } from './memory.js';
import { cached } from './single-flight.js';
import type { CachedVerdict, VerdictCache } from './types.js';
import { at, keyOf, T0, TTLS, verdictOf } from '../testing/verdicts.js';

/** A verification the test finishes by hand, counting how often it was started. */
function gate(result: () => CachedVerdict): { verify: () => Promise<CachedVerdict>; release: () => void; calls: () => number } {
  let calls = 0;
  let release: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return {
    verify: async () => {
      calls++;
      await opened;
      return result();
    },
    release: () => release(),
    calls: () => calls,
  };
}

test('single flight: N concurrent callers for one key run one verification and share its verdict', async () => {
  const cache = memoryVerdictCache({ ...TTLS, maxEntries: 10 });
  const g = gate(() => verdictOf('pass', 'once'));
  const callers = Array.from({ length: 50 }, () => cached(cache, keyOf(1), T0, g.verify));
  const other = cached(cache, keyOf(2), T0, async () => verdictOf('fail', 'other'));
  g.release();
  const outcomes = await Promise.all(callers);
  assert.equal(g.calls(), 1);
  assert.deepEqual(new Set(outcomes.map((o) => o.value.reportJson)), new Set([verdictOf('pass', 'once').reportJson]));
  assert.deepEqual(outcomes.map((o) => o.source).filter((s) => s === 'verification').length, 1);
  assert.equal(outcomes.filter((o) => o.source === 'in-flight').length, 49);
  assert.equal((await other).value.verdict, 'fail', 'another key is its own flight');
  const again = await cached(cache, keyOf(1), at(1), () => Promise.reject(new Error('must not verify')));
  assert.equal(again.source, 'cache');
  assert.equal(again.value.verdict, 'pass');
});

test('single flight: could-not-check is never stored; every waiter gets the error; the next call verifies again', async () => {
  const cache = memoryVerdictCache({ ...TTLS, maxEntries: 10 });
  let calls = 0;
  const cannot = async (): Promise<CachedVerdict> => {
    calls++;
    await Promise.resolve();
    throw new VouchError({ code: 'NETWORK', message: 'registry down' });
  };
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => cached(cache, keyOf(1), T0, cannot)));
  assert.equal(calls, 1);
  for (const r of results) assert.equal(r.status === 'rejected' && (r.reason as VouchError).code, 'NETWORK');
  assert.equal(cache.size, 0);
  const next = await cached(cache, keyOf(1), at(1), async () => verdictOf('fail', 'now checked'));
  assert.equal(next.source, 'verification');
  assert.equal(next.value.verdict, 'fail');
});

test('single flight: a pass and a fail are stored with their own TTLs', async () => {
  const cache = memoryVerdictCache({ ...TTLS, maxEntries: 10 });
  await cached(cache, keyOf(1), T0, async () => verdictOf('pass'));
  await cached(cache, keyOf(2), T0, async () => verdictOf('fail'));
  let verified = 0;
  const count = async (): Promise<CachedVerdict> => {
    verified++;
    return verdictOf('pass');
  };
  assert.equal((await cached(cache, keyOf(2), at(TTLS.failTtlMs - 1), count)).source, 'cache');
  assert.equal((await cached(cache, keyOf(2), at(TTLS.failTtlMs), count)).source, 'verification');
  assert.equal((await cached(cache, keyOf(1), at(TTLS.passTtlMs - 1), count)).source, 'cache');
  assert.equal(verified, 1);
});

test('single flight: a store that throws is a miss with one warning, never an error or a pass', async () => {
  const broken: VerdictCache = {
    get: () => {
      throw new Error('disk on fire');
    },
    put: () => Promise.reject(new Error('disk still on fire')),
    close: () => Promise.resolve(),
  };
  const warnings: string[] = [];
  const onWarning = (m: string): void => void warnings.push(m);
  const first = await cached(broken, keyOf(1), T0, async () => verdictOf('fail', 'really failed'), { onWarning });
  assert.equal(first.value.verdict, 'fail');
  assert.equal(first.source, 'verification');
  const second = await cached(broken, keyOf(1), T0, async () => verdictOf('fail', 'again'), { onWarning });
  assert.equal(second.value.verdict, 'fail');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /disk on fire/);
});

test('single flight: with a store that keeps nothing, every call after a flight verifies again', async () => {
  const forgetful: VerdictCache = { get: async () => undefined, put: async () => undefined, close: async () => undefined };
  let verified = 0;
  for (let i = 0; i < 3; i++) {
    const outcome = await cached(forgetful, keyOf(1), T0, async () => {
      verified++;
      return verdictOf('fail');
    });
    assert.equal(outcome.value.verdict, 'fail');
  }
  assert.equal(verified, 3);
});
