import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isVouchError } from '../../errors.js';
import { readGzipMembers } from './gzip-members.js';
import type { GzipCaps } from './gzip-members.js';

const CAPS: GzipCaps = { maxDecompressedBytes: 64 * 1024 ** 2, maxRatio: 1000, maxMembers: 1000 };

interface Seen {
  starts: number[];
  ends: { index: number; compressedSize: number; size: number }[];
  compressed: Buffer[][];
  data: Buffer[][];
}

async function split(input: Buffer, chunkSize: number, caps = CAPS): Promise<Seen> {
  const seen: Seen = { starts: [], ends: [], compressed: [], data: [] };
  let current = -1;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let off = 0; off < input.length; off += chunkSize) yield input.subarray(off, off + chunkSize);
  }
  await readGzipMembers(chunks(), {
    memberStart(index, offset) {
      current = index;
      seen.starts.push(offset);
      seen.compressed.push([]);
      seen.data.push([]);
    },
    compressed: (c) => void seen.compressed[current]?.push(Buffer.from(c)),
    data: (c) => void seen.data[current]?.push(Buffer.from(c)),
    memberEnd: (index, compressedSize, size) => void seen.ends.push({ index, compressedSize, size }),
  }, caps);
  return seen;
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => isVouchError(err) && err.code === code);
}

const parts = [Buffer.from('first member\n'), randomBytes(3000), randomBytes(70_000), Buffer.alloc(200_000, 7), Buffer.alloc(0)];
const members = parts.map((p) => gzipSync(p));
const joined = Buffer.concat(members);

test('gzip members: boundaries and contents are exact for every chunking', async () => {
  for (const chunkSize of [1, 7, 512, 4096, 65536, joined.length]) {
    // Byte-by-byte feeding is slow; it runs over the first two (small) members only.
    const count = chunkSize < 100 ? 2 : members.length;
    const seen = await split(Buffer.concat(members.slice(0, count)), chunkSize);
    assert.equal(seen.ends.length, count, `chunk ${chunkSize}`);
    let offset = 0;
    members.slice(0, count).forEach((m, i) => {
      assert.equal(seen.starts[i], offset);
      assert.deepEqual(Buffer.concat(seen.compressed[i] ?? []), m, `member ${i} compressed bytes, chunk ${chunkSize}`);
      assert.deepEqual(Buffer.concat(seen.data[i] ?? []), parts[i]);
      assert.equal(seen.ends[i]?.compressedSize, m.length);
      offset += m.length;
    });
  }
});

test('gzip members: optional header fields (FEXTRA, FNAME, FCOMMENT, FHCRC) are skipped', async () => {
  const body = gzipSync(Buffer.from('payload'));
  const header = Buffer.from([0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3]);
  const extra = Buffer.from([3, 0, 1, 2, 3]);
  const fancy = Buffer.concat([header, extra, Buffer.from('name\0comment\0'), Buffer.from([0, 0]), body.subarray(10)]);
  const seen = await split(Buffer.concat([fancy, body]), 3);
  assert.equal(Buffer.concat(seen.data[0] ?? []).toString(), 'payload');
  assert.equal(seen.ends.length, 2);
});

test('gzip members: truncation, garbage, corrupt data and bad trailers are INPUT_MALFORMED', async () => {
  await rejects(split(Buffer.alloc(0), 10), 'INPUT_MALFORMED');
  await rejects(split(Buffer.from('this is not gzip at all'), 10), 'INPUT_MALFORMED');
  for (const cut of [5, 15, joined.length - 3, (members[0]?.length ?? 0) + 4]) {
    await rejects(split(joined.subarray(0, cut), 4096), 'INPUT_MALFORMED');
  }
  await rejects(split(Buffer.concat([joined, Buffer.from('trailing')]), 4096), 'INPUT_MALFORMED');
  const flip = (buf: Buffer, at: number): Buffer => {
    const copy = Buffer.from(buf);
    copy.writeUInt8(copy.readUInt8(at) ^ 1, at);
    return copy;
  };
  const first = members[0] as Buffer;
  await rejects(split(flip(first, first.length - 8), 4096), 'INPUT_MALFORMED');
  await rejects(split(flip(first, first.length - 1), 4096), 'INPUT_MALFORMED');
  const badDeflate = Buffer.from(members[1] as Buffer);
  badDeflate[12] = 0xff;
  badDeflate[13] = 0xff;
  await rejects(split(badDeflate, 4096), 'INPUT_MALFORMED');
});

test('gzip members: a gzip bomb stops at the ratio or size cap (LIMIT_EXCEEDED)', async () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 ** 2), { level: 9 });
  await rejects(split(bomb, 65536), 'LIMIT_EXCEEDED');
  await rejects(split(gzipSync(Buffer.alloc(3 * 1024 ** 2, 1)), 65536, { ...CAPS, maxRatio: 1e9, maxDecompressedBytes: 2 * 1024 ** 2 }), 'LIMIT_EXCEEDED');
  await rejects(split(Buffer.concat([joined, joined]), 4096, { ...CAPS, maxMembers: 5 }), 'LIMIT_EXCEEDED');
});

test('gzip members: a member that inflates 1000-fold, fed whole to a slow sink, is never held inflated', { timeout: 60_000 }, async () => {
  // 512 MiB of zeros is about 0.5 MiB of gzip: every input piece inflates to about 1 GiB. zlib
  // is paused while output waits, so what is held at once stays small, never a piece's output.
  const size = 512 * 1024 ** 2;
  const input = gzipSync(Buffer.alloc(size), { level: 9 });
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let total = 0;
  let largest = 0;
  await readGzipMembers([input], {
    memberStart: () => undefined,
    compressed: () => undefined,
    async data(chunk) {
      total += chunk.length;
      largest = Math.max(largest, chunk.length);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
      // A sink that yields to the event loop on every chunk: zlib must wait for it.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    memberEnd: () => undefined,
  }, { maxDecompressedBytes: 2 * size, maxRatio: 2000, maxMembers: 1 });
  assert.equal(total, size);
  assert.ok(largest <= 1024 * 1024, `chunks are at most 1 MiB, got ${largest}`);
  // Garbage not yet collected counts too, so the bound is loose; holding the output would be 512 MiB.
  assert.ok(peak < 192 * 1024 ** 2, `external memory grew by ${Math.round(peak / 1024 ** 2)} MiB while inflating`);
});

test('gzip members: the compressed bytes a sink is given may be reused by the source; a copy keeps them', async () => {
  const members = [gzipSync(randomBytes(3000)), gzipSync(Buffer.from('x'.repeat(100_000))), gzipSync(randomBytes(70_000))];
  const input = Buffer.concat(members);
  // A source that reuses one buffer and scribbles over it once the next chunk is asked for.
  async function* reusing(): AsyncGenerator<Buffer> {
    const buf = Buffer.alloc(4096);
    for (let off = 0; off < input.length; off += buf.length) {
      const n = input.copy(buf, 0, off, off + buf.length);
      yield buf.subarray(0, n);
      buf.fill(0xa5);
    }
  }
  const kept: Buffer[][] = [];
  await readGzipMembers(reusing(), {
    memberStart: () => void kept.push([]),
    compressed: (c) => void kept.at(-1)?.push(Buffer.from(c)),
    data: () => undefined,
    memberEnd: () => undefined,
  }, CAPS);
  assert.deepEqual(kept.map((k) => Buffer.concat(k)), members);
});
