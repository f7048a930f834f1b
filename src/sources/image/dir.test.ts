import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mutated, seededRandom } from '../../testing/seeded-random.js';
import { isVouchError } from '../../errors.js';
import { needsRealdata, realdata } from '../../testing/realdata.js';
import { tempDir } from '../../testing/registry.js';
import { DirCore, MAX_DIR_SIGNATURES } from './dir.js';
import { parseStoredSignature } from './dir-signature.js';
import { discoverAttachments } from './discover.js';
import { noopLogger } from '../../context.js';
import { resolveImage } from './open.js';
import { parsePlatform } from './platform.js';
import { parseImageReference } from './reference.js';

const FIXTURES = 'containers-image/signature/fixtures';
const AMD64 = parsePlatform('linux/amd64');
const SIGNED = 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00';
const code = (c: string) => (e: unknown) => isVouchError(e) && e.code === c;
const cosignBlob = (doc: unknown): Buffer => Buffer.concat([Buffer.from('\0sigstore-json\n'), Buffer.from(JSON.stringify(doc))]);

test('dir: reference names the whole directory', () => {
  assert.deepEqual(parseImageReference('dir:./img:with:colons@x'), { kind: 'dir', dir: './img:with:colons@x', text: 'dir:./img:with:colons@x' });
  assert.throws(() => parseImageReference('dir:'), code('USAGE'));
});

test('dir: containers/image fixtures: the manifest digest is measured and signature-N read as cosign layers', needsRealdata(), async () => {
  const core = new DirCore(realdata(`${FIXTURES}/dir-img-cosign-valid-2`), 1 << 20);
  const image = await resolveImage(core, AMD64);
  assert.equal(image.digest, SIGNED);
  const found = await discoverAttachments(core, [{ digest: image.digest }], 1 << 20, noopLogger);
  assert.equal(found.attachments.length, 2);
  assert.ok(found.attachments.every((a) => a.kind === 'cosign-signature' && a.attachedTo === SIGNED));
  assert.deepEqual(found.lookups.find((l) => l.method === 'signature-files')?.count, 2);
  // "other-attachment" holds a text/plain payload under a cosign annotation: listed, never a signature.
  const other = new DirCore(realdata(`${FIXTURES}/dir-img-cosign-other-attachment`), 1 << 20);
  const o = await discoverAttachments(other, [{ digest: (await other.root()).digest }], 1 << 20, noopLogger);
  assert.equal(o.attachments.length, 0);
  assert.equal(o.ignored[0]?.mediaType, 'text/plain');
  await assert.rejects(new DirCore(realdata(`${FIXTURES}/dir-img-cosign-no-manifest`), 1 << 20).root(), code('NOT_FOUND'));
  await assert.rejects(resolveImage(new DirCore(realdata(`${FIXTURES}/dir-img-cosign-manifest-digest-error`), 1 << 20), AMD64), code('UNSUPPORTED_FORMAT'));
  // The fixtures carry no blobs: asking for one is NOT_FOUND, never an empty layer.
  await assert.rejects(core.blob(image.manifest.config), code('NOT_FOUND'));
});

test('dir: stored signature blobs: only sigstore-json objects with base64 payloads are read', () => {
  const ok = parseStoredSignature(cosignBlob({ mimeType: 'm', payload: Buffer.from('{}').toString('base64'), annotations: { a: 'b' } }), 'x');
  assert.deepEqual(ok, { kind: 'cosign', mimeType: 'm', payload: Buffer.from('{}'), annotations: { a: 'b' } });
  const unreadable = [
    Buffer.alloc(0),
    Buffer.from([0xa3, 0x01, 0x02]), // OpenPGP
    Buffer.concat([Buffer.from([0]), Buffer.alloc(200, 0x61)]), // no newline within the name limit
    Buffer.from('\0simple-signing\n{}'),
    Buffer.from('\0sigstore-json\n{'),
    cosignBlob([]),
    cosignBlob({ payload: 'e30=' }),
    cosignBlob({ mimeType: 'm', payload: 'not base64!' }),
    cosignBlob({ mimeType: 'm', payload: 'e30' }),
    cosignBlob({ mimeType: 'm', payload: 'e30=', annotations: { a: 1 } }),
    cosignBlob({ mimeType: 'm', payload: 'e30=', annotations: [] }),
  ];
  for (const b of unreadable) assert.equal(parseStoredSignature(b, 'x').kind, 'unreadable', b.toString('latin1'));
  // Deeply nested JSON is refused by the depth guard, not by the stack.
  assert.equal(parseStoredSignature(Buffer.concat([Buffer.from('\0sigstore-json\n'), Buffer.alloc(100_000, '[')]), 'x').kind, 'unreadable');
});

test('dir: hostile directories: links, FIFOs, unknown versions, oversized files and endless signatures', needsRealdata(), async () => {
  const t = tempDir('vouch-dir-');
  try {
    const base = join(t.dir, 'img');
    cpSync(realdata(`${FIXTURES}/dir-img-cosign-valid`), base, { recursive: true });
    const digest = (await new DirCore(base, 1 << 20).root()).digest;

    const linked = join(t.dir, 'linked');
    mkdirSync(linked);
    symlinkSync(join(base, 'manifest.json'), join(linked, 'manifest.json'));
    await assert.rejects(new DirCore(linked, 1 << 20).root(), (e: unknown) => isVouchError(e) && e.code !== 'NOT_FOUND');

    const fifo = join(t.dir, 'fifo');
    cpSync(base, fifo, { recursive: true });
    assert.equal(spawnSync('mkfifo', [join(fifo, 'signature-2')]).status, 0, 'mkfifo is needed for this test');
    await assert.rejects(new DirCore(fifo, 1 << 20).storedSignatures(digest), (e: unknown) => isVouchError(e) && /FIFO|regular/i.test(e.message));

    const version = join(t.dir, 'version');
    cpSync(base, version, { recursive: true });
    writeFileSync(join(version, 'version'), 'Directory Transport Version: 2.0\n');
    await assert.rejects(new DirCore(version, 1 << 20).root(), code('UNSUPPORTED_FORMAT'));
    writeFileSync(join(version, 'version'), 'Directory Transport Version: 1.1\n');
    assert.equal((await new DirCore(version, 1 << 20).root()).digest, digest);

    const big = join(t.dir, 'big');
    cpSync(base, big, { recursive: true });
    writeFileSync(join(big, 'signature-2'), Buffer.alloc(4096, 0x20));
    await assert.rejects(new DirCore(big, 1024).storedSignatures(digest), code('LIMIT_EXCEEDED'));

    const many = join(t.dir, 'many');
    cpSync(base, many, { recursive: true });
    for (let n = 2; n <= MAX_DIR_SIGNATURES + 1; n++) writeFileSync(join(many, `signature-${n}`), 'x');
    await assert.rejects(new DirCore(many, 1 << 20).storedSignatures(digest), code('LIMIT_EXCEEDED'));
    // Exactly at the cap is fine; the garbage files are listed as ignored.
    unlinkSync(join(many, `signature-${MAX_DIR_SIGNATURES + 1}`));
    const read = await new DirCore(many, 1 << 20).storedSignatures(digest);
    assert.equal(read.files, MAX_DIR_SIGNATURES);
    assert.equal(read.attachments.length, 1);
    assert.equal(read.ignored.length, MAX_DIR_SIGNATURES - 1);
  } finally {
    t.remove();
  }
});

test('dir: signature files have a size cap of their own and a total one; generated mutations of a signature never crash the reader', async () => {
  const t = tempDir('vouch-dir-caps-');
  try {
    writeFileSync(join(t.dir, 'manifest.json'), '{"schemaVersion":2}');
    const core = new DirCore(t.dir, 64 << 20);
    const digest = (await core.root()).digest;
    // One file over 1 MiB is refused although --max-document-size would allow 64 MiB.
    writeFileSync(join(t.dir, 'signature-1'), Buffer.alloc((1 << 20) + 1, 0x20));
    await assert.rejects(core.storedSignatures(digest), code('LIMIT_EXCEEDED'));
    // Seventeen files of 1 MiB each pass one by one and not together (16 MiB).
    for (let n = 1; n <= 17; n++) writeFileSync(join(t.dir, `signature-${n}`), Buffer.alloc(1 << 20, 0x20));
    await assert.rejects(core.storedSignatures(digest), (e: unknown) => isVouchError(e) && e.code === 'LIMIT_EXCEEDED' && /together|more than 16777216 bytes/.test(e.message));
  } finally {
    t.remove();
  }
  const valid = cosignBlob({ mimeType: 'application/vnd.dev.cosign.simplesigning.v1+json', payload: Buffer.from('{"critical":{}}').toString('base64'), annotations: { 'dev.cosignproject.cosign/signature': 'AAAA' } });
  const rand = seededRandom(11);
  for (let i = 0; i < 2000; i++) {
    const cut = mutated(valid, rand);
    const r = parseStoredSignature(cut, 'fuzz');
    if (r.kind === 'cosign') assert.ok(Buffer.isBuffer(r.payload) || typeof r.payload === 'string', 'a cosign signature always carries its payload');
  }
});
