import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCacheOptions, entryFromStore, entryToStore, MAX_CACHED_REPORT_BYTES } from './entry.js';
import type { StoredEntry } from './entry.js';
import { verdictCacheKey } from './key.js';
import { at, HOUR, keyOf, T0, TTLS, verdictOf } from '../testing/verdicts.js';

function stored(verdict: 'pass' | 'fail' = 'pass'): StoredEntry {
  const entry = entryToStore(keyOf(1), verdictOf(verdict, 'one'), T0, TTLS);
  assert.equal(typeof entry, 'object');
  return entry as StoredEntry;
}

function asRow(entry: StoredEntry): Record<string, unknown> {
  return { ...entry };
}

test('cache key: every part changes the key, and part boundaries cannot be shifted', () => {
  const base = { subjectDigest: 'a', policiesDigest: 'b', trustDigest: 'c', expectationsDigest: 'd', vouchVersion: 'e', evidenceSchemaVersion: 'f' };
  const keys = new Set([verdictCacheKey(base)]);
  for (const part of Object.keys(base) as (keyof typeof base)[]) keys.add(verdictCacheKey({ ...base, [part]: `${base[part]}x` }));
  keys.add(verdictCacheKey({ ...base, subjectDigest: 'ab', policiesDigest: '' }));
  assert.equal(keys.size, 8);
  assert.match(verdictCacheKey(base), /^sha256:[0-9a-f]{64}$/);
});

test('entry: a pass is fresh for the pass TTL, a fail for the fail TTL, counted from the put', () => {
  const pass = stored('pass');
  assert.equal(pass.expiresAt, T0.getTime() + TTLS.passTtlMs);
  assert.equal(entryFromStore(keyOf(1), asRow(pass), at(24 * HOUR - 1), TTLS)?.verdict, 'pass');
  assert.equal(entryFromStore(keyOf(1), asRow(pass), at(24 * HOUR), TTLS), undefined);
  const fail = stored('fail');
  assert.equal(entryFromStore(keyOf(1), asRow(fail), at(TTLS.failTtlMs - 1), TTLS)?.verdict, 'fail');
  assert.equal(entryFromStore(keyOf(1), asRow(fail), at(TTLS.failTtlMs), TTLS), undefined);
});

test("entry: the reader's shorter TTL wins over the writer's expiry", () => {
  const shorter = { ...TTLS, passTtlMs: HOUR };
  assert.equal(entryFromStore(keyOf(1), asRow(stored()), at(HOUR - 1), shorter)?.verdict, 'pass');
  assert.equal(entryFromStore(keyOf(1), asRow(stored()), at(HOUR), shorter), undefined);
  assert.equal(entryFromStore(keyOf(1), asRow(stored()), at(1), { ...TTLS, passTtlMs: 0 }), undefined);
});

test('entry: could-not-check and unknown verdicts are never stored; a TTL of 0 turns a verdict off', () => {
  for (const verdict of ['could-not-check', 'error', '', undefined, 'PASS']) {
    const value = { verdict, reportJson: JSON.stringify({ verdict }), storedAt: T0.toISOString() } as never;
    assert.equal(typeof entryToStore(keyOf(1), value, T0, TTLS), 'string', String(verdict));
  }
  assert.equal(typeof entryToStore(keyOf(1), verdictOf('fail'), T0, { ...TTLS, failTtlMs: 0 }), 'string');
  assert.equal(typeof entryToStore('sha256:short', verdictOf('pass'), T0, TTLS), 'string');
});

test('entry: a report whose own verdict differs is neither stored nor believed', () => {
  const lying = { verdict: 'pass' as const, reportJson: JSON.stringify({ verdict: 'fail' }), storedAt: T0.toISOString() };
  assert.match(entryToStore(keyOf(1), lying, T0, TTLS) as string, /own verdict/);
  const row = { ...asRow(stored('fail')), verdict: 'pass' };
  assert.equal(entryFromStore(keyOf(1), row, at(1), TTLS), undefined);
});

test('entry: hostile rows read back are misses, never errors', () => {
  const good = asRow(stored());
  const deep = `{"verdict":"pass","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const huge = `{"verdict":"pass","x":"${'a'.repeat(MAX_CACHED_REPORT_BYTES)}"}`;
  const rows: [string, Record<string, unknown>, string?][] = [
    ['another key', good, keyOf(2)],
    ['key field missing', { ...good, key: undefined }],
    ['unknown verdict', { ...good, verdict: 'could-not-check' }],
    ['verdict of another type', { ...good, verdict: 1 }],
    ['report nested 100,000 deep', { ...good, reportJson: deep }],
    ['report over the size cap', { ...good, reportJson: huge }],
    ['report not JSON', { ...good, reportJson: '{"verdict":"pass"' }],
    ['report an array', { ...good, reportJson: '["pass"]' }],
    ['report not text', { ...good, reportJson: Buffer.from('{"verdict":"pass"}') }],
    ['stored in the future', { ...good, storedAt: at(HOUR).toISOString() }],
    ['stored at no valid time', { ...good, storedAt: 'yesterday' }],
    ['expiry not a number', { ...good, expiresAt: String(good['expiresAt']) }],
    ['expiry NaN', { ...good, expiresAt: Number.NaN }],
  ];
  for (const [name, row, key] of rows) {
    assert.equal(entryFromStore(key ?? keyOf(1), row, at(1), TTLS), undefined, name);
  }
  assert.equal(entryFromStore(keyOf(1), undefined, at(1), TTLS), undefined);
  assert.equal(entryFromStore(keyOf(1), good, at(1), TTLS)?.verdict, 'pass');
});

test('entry: TTLs must be whole, non-negative milliseconds (usage error)', () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
    assert.throws(() => assertCacheOptions({ ...TTLS, passTtlMs: bad }), { code: 'USAGE' });
    assert.throws(() => assertCacheOptions({ ...TTLS, failTtlMs: bad }), { code: 'USAGE' });
  }
  assertCacheOptions({ passTtlMs: 0, failTtlMs: 0 });
});
