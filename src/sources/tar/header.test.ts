import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLOCK, HeaderError, parseHeader } from './header.js';

/**
 * The header's numbers are parsed byte by byte (the hot path of reading a package of many small
 * files); these tests hold that parser to Go's parseOctal/parseNumeric as the reference reads
 * them: spaces and NULs trimmed at both ends, octal digits only, base-256 when the high bit is
 * set, and the checksum as an unsigned or a signed byte sum with its own field as spaces.
 */
function referenceOctal(field: Buffer): number | 'error' {
  const s = field.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return 'error';
  return parseInt(s, 8);
}

function referenceNumeric(field: Buffer): number | 'error' {
  const first = field[0] as number;
  if ((first & 0x80) === 0) return referenceOctal(field);
  if ((first & 0x40) !== 0) return 'error';
  let v = BigInt(first & 0x7f);
  for (const b of field.subarray(1)) v = (v << 8n) | BigInt(b);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? 'error' : Number(v);
}

function withChecksum(block: Buffer, signed = false): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += signed && b > 127 ? b - 256 : b;
  block.write(`${(sum >>> 0).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function baseBlock(): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write('file.txt', 0, 'latin1');
  for (const [at, len] of [[100, 8], [108, 8], [116, 8], [124, 12], [136, 12]] as const) b.write(`${'0'.repeat(len - 1)}\0`, at, 'latin1');
  b.write('0', 156, 'latin1');
  b.write('ustar\x0000', 257, 'latin1');
  for (const at of [329, 337]) b.write('0000000\0', at, 'latin1');
  return b;
}

const outcome = (block: Buffer): Record<string, number> | 'error' => {
  try {
    const h = parseHeader(block);
    return { size: h.size, mode: h.mode, uid: h.uid, gid: h.gid };
  } catch (err) {
    assert.ok(err instanceof HeaderError, String(err));
    return 'error';
  }
};

test('tar header: numeric fields read as Go reads them, for generated hostile values', () => {
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0);
  const alphabet = [0x30, 0x31, 0x37, 0x20, 0x00, 0x38, 0x39, 0x2b, 0x2d, 0x78, 0x80, 0xff, 0x7f];
  const fields = [['mode', 100, 8], ['uid', 108, 8], ['gid', 116, 8], ['size', 124, 12]] as const;
  for (let i = 0; i < 20_000; i++) {
    const block = baseBlock();
    const [name, at, len] = fields[next() % fields.length] as (typeof fields)[number];
    for (let k = 0; k < len; k++) block[at + k] = next() % 3 === 0 ? (next() % 256) : (alphabet[next() % alphabet.length] as number);
    const expected = referenceNumeric(block.subarray(at, at + len));
    const got = outcome(withChecksum(block));
    if (expected === 'error') assert.equal(got, 'error', `${name} ${block.subarray(at, at + len).toString('hex')}`);
    else assert.notEqual(got, 'error', `${name} ${block.subarray(at, at + len).toString('hex')}`);
    if (got !== 'error') assert.equal(got[name], expected, `${name} ${block.subarray(at, at + len).toString('hex')}`);
  }
});

test('tar header: the checksum is an unsigned or a signed byte sum; anything else is refused', () => {
  const high = baseBlock();
  high.write('\xe9t\xe9.txt', 0, 'latin1'); // bytes above 127: the two sums differ
  assert.notEqual(outcome(withChecksum(Buffer.from(high))), 'error');
  assert.notEqual(outcome(withChecksum(Buffer.from(high), true)), 'error');
  const block = withChecksum(baseBlock());
  for (let at = 0; at < BLOCK; at += 7) {
    if (at >= 148 && at < 156) continue;
    const flipped = Buffer.from(block);
    flipped[at] = (flipped[at] as number) ^ 0x01;
    assert.equal(outcome(flipped), 'error', `byte ${at} changed, checksum kept`);
  }
  // The checksum field itself: octal with spaces and NULs around it, nothing else.
  const spaced = Buffer.from(block);
  spaced.write(` ${spaced.toString('latin1', 148, 154).replace(/^0/, '')}\0`, 148, 'latin1');
  assert.notEqual(outcome(spaced), 'error');
  const junk = Buffer.from(block);
  junk[149] = 0x39;
  assert.equal(outcome(junk), 'error');
});
