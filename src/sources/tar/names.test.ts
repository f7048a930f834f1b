import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeName, displayName, encodeName, hasRawBytes } from './names.js';

test('tar names: decoding is lossless and injective; valid UTF-8 decodes as usual', () => {
  const samples = [
    Buffer.from('usr/bin/hello'),
    Buffer.from('caf\u00e9/\u{1f600}'),
    Buffer.from([0xff]),
    Buffer.from([0xfe]),
    Buffer.from([0xef, 0xbf, 0xbd]), // a real U+FFFD
    Buffer.from([0xc3]), // truncated sequence
    Buffer.from([0xc0, 0xaf]), // overlong "/"
    Buffer.from([0xed, 0xb3, 0xbf]), // UTF-8 of a lone surrogate: not valid UTF-8
    Buffer.from([0xf0, 0x90, 0x80, 0x80, 0xff]),
  ];
  const decoded = samples.map(decodeName);
  assert.equal(new Set(decoded).size, samples.length);
  for (const [i, b] of samples.entries()) assert.deepEqual(encodeName(decoded[i] as string), b);
  assert.equal(decodeName(Buffer.from('caf\u00e9')), 'caf\u00e9');
  assert.equal(decodeName(Buffer.from([0xc0, 0xaf])).includes('/'), false, 'an overlong slash is not a slash');
  assert.equal(hasRawBytes(decodeName(Buffer.from([0x61, 0xff]))), true);
  assert.equal(hasRawBytes(decodeName(Buffer.from('\u{10080}'))), false, 'the low half of a pair is not a raw byte');
  // Every single byte and pair of bytes round-trips.
  for (let x = 0; x < 256; x++) for (let y = 0; y < 256; y += 17) assert.deepEqual(encodeName(decodeName(Buffer.of(x, y))), Buffer.of(x, y));
});

test('tar names: the display form escapes raw bytes, backslashes and control characters', () => {
  assert.equal(displayName(decodeName(Buffer.from([0x61, 0xff, 0x5c, 0x0a]))), 'a\\xff\\\\\\u000a');
  assert.equal(displayName('usr/bin/caf\u00e9'), 'usr/bin/caf\u00e9');
});
