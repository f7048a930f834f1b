import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVouchError } from '../errors.js';
import { jumpHash, parseShard, shardOf, shareOf } from './shard.js';

const names = (n: number, prefix = 'pkg'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}=1.${i % 7}-r${i % 3}`);

test('shard: every subject falls to exactly one shard, and the shares are balanced', () => {
  const all = names(20_000);
  for (const count of [1, 2, 7, 10, 100]) {
    const sizes = new Array<number>(count).fill(0);
    for (const name of all) {
      const shard = shardOf(name, count);
      sizes[shard] = (sizes[shard] ?? 0) + 1;
    }
    assert.equal(sizes.reduce((n, s) => n + s, 0), all.length, `count ${count}: every subject once`);
    const mean = all.length / count;
    // Binomial spread: with 20,000 subjects and 100 shards (mean 200), 5 standard deviations is about ±35%.
    const tolerance = count === 100 ? 0.35 : 0.08;
    for (const size of sizes) assert.ok(Math.abs(size - mean) <= mean * tolerance, `count ${count}: share of ${size}, mean ${mean}`);
  }
  // shareOf keeps each subject's own place in the list.
  const share = shareOf(all.slice(0, 100), { index: 1, count: 3 }, (s) => s);
  assert.deepEqual(share, all.slice(0, 100).filter((s) => shardOf(s, 3) === 1));
});

test('shard: the split is a function of the subject alone: adding subjects moves none, order does not matter', () => {
  const before = names(5000);
  const after = [...names(2000, 'new'), ...before].reverse();
  for (const name of before) assert.equal(shardOf(name, 10), shardOf(name, 10));
  const share = (list: string[], index: number) => new Set(shareOf(list, { index, count: 10 }, (s) => s));
  for (let index = 0; index < 10; index++) {
    const a = share(before, index);
    const b = share(after, index);
    for (const name of a) assert.ok(b.has(name), `${name} moved away from shard ${index}`);
  }
});

test('shard: going from n to n+1 shards moves about 1/(n+1) of the subjects, all to the new shard', () => {
  const all = names(20_000);
  let moved = 0;
  for (const name of all) {
    const from = shardOf(name, 9);
    const to = shardOf(name, 10);
    if (from !== to) {
      moved++;
      assert.equal(to, 9, 'a subject only ever moves to the new shard');
    }
  }
  assert.ok(moved > all.length * 0.08 && moved < all.length * 0.12, `${moved} of ${all.length} moved`);
});

test('shard: the split is fixed across versions and machines (known values)', () => {
  // The test vectors of the reference implementation (Lamping and Veach's jump hash, as ported to Go).
  assert.deepEqual([jumpHash(1n, 1), jumpHash(42n, 57), jumpHash(0xdead10ccn, 1), jumpHash(0xdead10ccn, 666), jumpHash(256n, 1024)], [0, 43, 0, 361, 520]);
  // Pinned: a change here would send subjects to other pods than a running Indexed Job expects.
  assert.deepEqual(['hello=2.12-r0', 'glibc=2.40-r1', 'registry.example.com/app:1'].map((n) => shardOf(n, 16)), [2, 11, 6]);
});

test('shard: --shard-index and --shard-count are checked before any work (usage errors); the index defaults to JOB_COMPLETION_INDEX', () => {
  assert.equal(parseShard(undefined, undefined, {}), undefined);
  assert.equal(parseShard(undefined, undefined, { JOB_COMPLETION_INDEX: '3' }), undefined, 'the variable alone does not shard');
  assert.deepEqual(parseShard('2', '5', {}), { index: 2, count: 5 });
  assert.deepEqual(parseShard(undefined, '5', { JOB_COMPLETION_INDEX: '4' }), { index: 4, count: 5 });
  assert.deepEqual(parseShard('0', '5', { JOB_COMPLETION_INDEX: '4' }), { index: 0, count: 5 }, 'the flag wins');
  const usage = (f: () => unknown) => assert.throws(f, (e: unknown) => isVouchError(e) && e.code === 'USAGE');
  usage(() => parseShard('1', undefined, {}));
  usage(() => parseShard(undefined, '5', {}));
  usage(() => parseShard('5', '5', {}));
  usage(() => parseShard('-1', '5', {}));
  usage(() => parseShard('1.5', '5', {}));
  usage(() => parseShard('01', '5', {}));
  usage(() => parseShard('0', '0', {}));
  usage(() => parseShard('0', '100001', {}));
  usage(() => parseShard('0', 'x', {}));
  usage(() => parseShard(undefined, '5', { JOB_COMPLETION_INDEX: '7' }));
});
