import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { parseDigest, readCapped, sha256Digest, verifyingStream } from './digest.js';

const content = Buffer.from('the layer bytes, exactly as the manifest promised\n'.repeat(1000));
const digest = sha256Digest(content);

async function drain(bytes: Buffer, size: number | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]).pipe(verifyingStream(digest, size, 'blob'))) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('verifying stream: passes exact content through', async () => {
  assert.deepEqual(await drain(content, content.length), content);
  assert.deepEqual(await drain(content, undefined), content);
});

test('verifying stream: every single-byte flip, truncation and extension fails', async () => {
  const mutations: Buffer[] = [content.subarray(0, content.length - 1), Buffer.concat([content, Buffer.from('x')])];
  for (const pos of [0, 1, 99, 100, 101, content.length - 1]) {
    const m = Buffer.from(content);
    m[pos] = (m[pos] as number) ^ 0x01;
    mutations.push(m);
  }
  for (const m of mutations) {
    for (const size of [content.length, undefined]) {
      await assert.rejects(drain(m, size), (err: unknown) => isVouchError(err) && err.code === 'DIGEST_MISMATCH');
    }
  }
});

test('readCapped: refuses documents over the cap', async () => {
  await assert.rejects(readCapped(Readable.from([content]), 10, 'manifest'), (err: unknown) => isVouchError(err) && err.code === 'LIMIT_EXCEEDED');
  assert.equal((await readCapped(Readable.from([content]), content.length, 'manifest')).length, content.length);
});

test('parseDigest: only sha256 with 64 lowercase hex', () => {
  assert.equal(parseDigest(digest, 'x'), digest);
  for (const bad of ['sha256:ABC', `sha512:${'a'.repeat(128)}`, `sha256:${'a'.repeat(63)}`, `sha256:${'A'.repeat(64)}`, 42, `sha256:../${'a'.repeat(61)}`]) {
    assert.throws(() => parseDigest(bad, 'x'), (err: unknown) => isVouchError(err) && err.code === 'INPUT_MALFORMED');
  }
});
