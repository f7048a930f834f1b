import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { mutated, seededRandom } from '../testing/seeded-random.js';
import { spawnSync } from 'node:child_process';
import { zstdCompressSync } from 'node:zlib';
import { entry, file, tar } from '../testing/raw-tar.js';
import { readTar } from '../sources/tar/reader.js';
import { layerStreamOf } from './layer-compression.js';
import { uncompressedLayer } from './layer-stream.js';
import { walkLayer } from './layer-walk.js';

/**
 * A blob under Docker's gzip layer type that is at once a plain tar (vouch's reading: no gzip
 * magic) and a zstd stream (containerd's and Docker's DecompressStream: a zstd skippable frame
 * magic 0x184D2A5X at offset 0 means zstd). vouch must never inventory one tree while the runtime
 * unpacks another: such a layer must be refused (or read as zstd), never read as the plain tar.
 */
const DOCKER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

function skippable(size: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(0x184d2a50, 0);
  b.writeUInt32LE(size, 4);
  return b;
}

function polyglot(): { blob: Buffer; runtimeTar: Buffer } {
  const runtimeTar = tar([file('bin/evil', 'what the runtime unpacks')]);
  const z = zstdCompressSync(runtimeTar);
  const benign = Buffer.concat([file('etc/os-release', 'ID=benign\n'), file('bin/ok', 'what vouch inventories')]);
  // Entry 1: its name starts with a skippable frame covering the rest of its header (504 bytes);
  // its content is the real zstd frame, then a second skippable frame covering everything after.
  const contentLength = z.length + 8;
  const padding = (512 - (contentLength % 512)) % 512;
  const rest = padding + benign.length + 1024;
  // The name field holds the 8 frame bytes (a tar name ends at its first NUL: "P*M\x18\xf8\x01").
  const first = entry({ name: Buffer.concat([skippable(504), Buffer.from('x')]), content: Buffer.concat([z, skippable(rest)]) });
  return { blob: tar([first, benign]), runtimeTar };
}

test('hostile: a Docker gzip-typed layer that is both a plain tar and a zstd stream is never read as the plain tar', async () => {
  const { blob, runtimeTar } = polyglot();
  // What containerd / Docker unpack: the zstd stream (the skippable frames are skipped), here
  // decoded by the reference zstd CLI (node's decoder stops at the first frame).
  const unpacked = spawnSync('zstd', ['-d', '-c', '-q'], { input: blob, maxBuffer: 1 << 24 });
  assert.equal(unpacked.status, 0, unpacked.stderr.toString());
  assert.deepEqual(unpacked.stdout, runtimeTar);
  const runtimeNames: string[] = [];
  for await (const e of readTar([unpacked.stdout])) runtimeNames.push(e.header.name);
  assert.deepEqual(runtimeNames, ['bin/evil']);

  // What vouch reads.
  let names: string[] = [];
  try {
    const { stream, compression } = await layerStreamOf(DOCKER, Readable.from([blob], { objectMode: false }), 'x');
    const t = uncompressedLayer(stream, compression, { maxDecompressedBytes: 1 << 30, maxRatio: 1000 }, undefined, 'x');
    const contents = await walkLayer(t, 'sha256:x', { maxEntries: 100, maxCaptureBytes: 1 << 20, capture: () => false });
    names = contents.entries.map((e) => e.path);
  } catch {
    return; // refused: fine
  }
  assert.ok(names.includes('bin/evil'), `vouch inventoried ${JSON.stringify(names)} while the runtime unpacks ${JSON.stringify(runtimeNames)}`);
});

/** What vouch inventories of a layer blob of this media type. */
async function vouchReads(mediaType: string, blob: Buffer): Promise<string[]> {
  const { stream, compression } = await layerStreamOf(mediaType, Readable.from([blob], { objectMode: false }), 'x');
  const t = uncompressedLayer(stream, compression, { maxDecompressedBytes: 1 << 30, maxRatio: 1000 }, undefined, 'x');
  return (await walkLayer(t, 'sha256:x', { maxEntries: 100, maxCaptureBytes: 1 << 20, capture: () => false })).entries.map((e) => e.path);
}

test('hostile: a zstd layer is read to its last frame, as containerd reads it (a skippable frame first, or two frames)', async () => {
  const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
  const evil = tar([file('bin/evil', 'hidden')]);
  const sk = skippable(8);
  const cases: [string, Buffer, Buffer][] = [
    // A skippable frame, then the real frame: decoders skip the first and unpack the second.
    ['skippable frame first', Buffer.concat([sk, Buffer.alloc(8), zstdCompressSync(evil)]), evil],
    // Benign entries without the end marker in frame 1, the rest of the archive in frame 2.
    ['two frames', Buffer.concat([zstdCompressSync(file('bin/ok', 'shown')), zstdCompressSync(evil)]), Buffer.concat([file('bin/ok', 'shown'), evil])],
  ];
  for (const [what, blob, expected] of cases) {
    const unpacked = spawnSync('zstd', ['-d', '-c', '-q'], { input: blob, maxBuffer: 1 << 24 });
    assert.deepEqual(unpacked.stdout, expected, `${what}: the reference decoder`);
    let names: string[];
    try {
      names = await vouchReads(ZSTD, blob);
    } catch {
      continue; // refused: fine
    }
    assert.ok(names.includes('bin/evil'), `${what}: vouch inventoried ${JSON.stringify(names)}; the runtime unpacks bin/evil`);
  }
});

test('zstd frames: data after the frames, a truncated frame, a reserved block type are refused; an empty stream too', async () => {
  const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
  const good = zstdCompressSync(tar([file('bin/ok', 'shown')]));
  const reserved = Buffer.from(good);
  // The first block header follows the 4-byte magic and the frame header; set its type to 3.
  const fhd = reserved[4] ?? 0;
  const single = (fhd >> 5) & 1;
  const fcs = fhd >> 6;
  const at = 5 + (single ? 0 : 1) + ([0, 1, 2, 4][fhd & 3] ?? 0) + (fcs === 0 ? single : ([0, 2, 4, 8][fcs] ?? 0));
  reserved[at] = (reserved[at] ?? 0) | 0x06;
  for (const [what, blob] of [
    ['garbage after the frame', Buffer.concat([good, Buffer.from('not a frame')])],
    ['truncated', good.subarray(0, good.length - 3)],
    ['reserved block type', reserved],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    await assert.rejects(vouchReads(ZSTD, blob), (e: unknown) => e instanceof Error && /zstd|INPUT_MALFORMED/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`), what);
  }
});

test('hostile: mutated multi-frame zstd layers never hang and never read past the caps (generated)', { timeout: 60_000 }, async () => {
  const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
  const base = Buffer.concat([zstdCompressSync(file('a', 'x'.repeat(5000))), skippable(4), Buffer.alloc(4), zstdCompressSync(tar([file('b', 'y'.repeat(5000))]))]);
  const rand = seededRandom(7);
  for (let i = 0; i < 300; i++) {
    const cut = mutated(base, rand, 4);
    try {
      const names = await vouchReads(ZSTD, cut);
      assert.ok(names.length <= 100);
    } catch (err) {
      assert.ok(err instanceof Error, String(err));
    }
  }
});

test('hostile: a zstd layer of endless empty frames is refused at the frame cap, not decoded for minutes', { timeout: 60_000 }, async () => {
  const { MAX_ZSTD_FRAMES } = await import('./zstd-frames.js');
  const empty = zstdCompressSync(Buffer.alloc(0));
  const blob = Buffer.concat(Array.from({ length: MAX_ZSTD_FRAMES + 1 }, () => empty));
  await assert.rejects(vouchReads('application/vnd.oci.image.layer.v1.tar+zstd', blob), (e: unknown) => (e as { code?: string }).code === 'LIMIT_EXCEEDED');
});
