import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stableStringify, stableStringifyPieces } from './stable-json.js';

test('stable JSON: the pieces join to exactly stableStringify, in bounded pieces', () => {
  const findings = Array.from({ length: 5000 }, (_, i) => ({ path: `usr/lib/f${i}\udcff`, level: 'file', code: 'FILE_UNOWNED', skipped: undefined, n: i, ok: i % 2 === 0 }));
  const values: unknown[] = [
    { b: 1, a: [1, undefined, 'x', null, { z: [], y: {} }], c: undefined, d: Buffer.from('hi'), e: 10n, f: new Date(0), g: () => 1 },
    [],
    {},
    'text',
    null,
    { reconciliation: { findings }, verdict: 'fail' },
  ];
  for (const v of values) {
    const pieces = [...stableStringifyPieces(v, 4096)];
    assert.equal(pieces.join(''), stableStringify(v));
    assert.ok(pieces.every((p) => p.length < 4096 + 1024), 'no piece is much larger than asked');
  }
  assert.ok([...stableStringifyPieces(values[5], 4096)].length > 100);
});
