import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isVouchError } from '../errors.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { listInputDirectory, openInputChunks, openInputStream, readInputFile } from './local-file.js';

/**
 * Hostile file inputs, generated here: a FIFO with no writer, a listening UNIX socket, devices, a
 * directory, a link inside a source, a sparse file far over its cap. Each is refused before vouch
 * reads a byte; none may block (the timeouts are only hang guards).
 */
const dir = mkdtempSync(join(tmpdir(), 'vouch-local-file-'));
const fifo = join(dir, 'fifo');
const socket = join(dir, 'socket');
const regular = join(dir, 'regular.txt');
const sparse = join(dir, 'sparse.bin');
const link = join(dir, 'link');
let server: Server;

before(async () => {
  execFileSync('mkfifo', [fifo]);
  writeFileSync(regular, 'hello\n');
  writeFileSync(sparse, '');
  truncateSync(sparse, 8 * 1024 ** 3); // 8 GiB that take no disk space
  symlinkSync(regular, link);
  server = createServer();
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isVouchError(err), `not a VouchError: ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  return assert.fail('the input was read');
}

const small = { what: 'test input', maxBytes: 1024 };

test('local files: a FIFO, a socket, devices and a directory are refused before they are read', { timeout: 30_000 }, async () => {
  const cases: [string, RegExp][] = [
    [fifo, /is a FIFO/],
    [socket, /is a socket/],
    ['/dev/zero', /is a character device/],
    ['/dev/null', /is a character device/],
    ['/dev/urandom', /is a character device/],
    [dir, /is a directory/],
  ];
  for (const [path, kind] of cases) {
    // Each read starts only when it is awaited: a second refusal started early would be an
    // unhandled rejection while the first is awaited.
    for (const attempt of [() => readInputFile(path, small), () => openInputStream(path, { what: 'test input' }), () => openInputChunks(path, { what: 'test input', chunkBytes: 1024 })]) {
      const r = await refusal(attempt());
      assert.equal(r.code, 'INPUT_UNREADABLE', path);
      assert.match(r.message, kind);
      assert.match(r.message, /not a regular file/);
    }
  }
});

test('local files: a link is followed when the user names it, refused inside a source', { timeout: 30_000 }, async () => {
  assert.equal((await readInputFile(link, small)).toString(), 'hello\n');
  const r = await refusal(readInputFile(link, { ...small, noFollow: true }));
  assert.equal(r.code, 'INPUT_UNREADABLE');
  assert.match(r.message, /symbolic link/);
  assert.equal((await refusal(openInputStream(link, { what: 'blob', noFollow: true }))).code, 'INPUT_UNREADABLE');
  assert.equal((await refusal(openInputChunks(link, { what: 'blob', noFollow: true, chunkBytes: 1024 }))).code, 'INPUT_UNREADABLE');
});

test('local files: a file over its cap is LIMIT_EXCEEDED naming the file, the cap and the flag, unread', { timeout: 30_000 }, async () => {
  const r = await refusal(readInputFile(sparse, { what: '--bundle', maxBytes: 64 * 1024, flag: '--max-document-size' }));
  assert.equal(r.code, 'LIMIT_EXCEEDED');
  assert.match(r.message, new RegExp(`--bundle ${sparse} is 8589934592 bytes, more than the limit of 65536 bytes`));
  try {
    await readInputFile(sparse, { what: '--key', maxBytes: 10 });
  } catch (err) {
    assert.ok(isVouchError(err));
    assert.deepEqual(err.hints, []);
    assert.equal(err.details?.['limit'], 10);
  }
  // The cap is inclusive: a file of exactly the cap is read.
  assert.equal((await readInputFile(regular, { what: 'x', maxBytes: 6 })).length, 6);
  assert.equal((await refusal(readInputFile(regular, { what: 'x', maxBytes: 5 }))).code, 'LIMIT_EXCEEDED');
});

test('local files: a missing file has the code the caller chose', async () => {
  assert.equal((await refusal(readInputFile(join(dir, 'nope'), small))).code, 'INPUT_UNREADABLE');
  assert.equal((await refusal(readInputFile(join(dir, 'nope'), { ...small, missing: 'NOT_FOUND' }))).code, 'NOT_FOUND');
});

test('local files: a stream of a regular file reads it whole', async () => {
  const { stream, size } = await openInputStream(regular, { what: 'x' });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  assert.equal(size, 6);
  assert.equal(Buffer.concat(chunks).toString(), 'hello\n');
});

test('local files: chunks through one reused buffer read the file whole, stop early, and honour the signal', async () => {
  const path = join(dir, 'chunks.bin');
  const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
  writeFileSync(path, content);
  const { stream, size } = await openInputChunks(path, { what: 'x', chunkBytes: 4096 });
  assert.equal(size, content.length);
  const copies: Buffer[] = [];
  const views: Buffer[] = [];
  for await (const c of stream) {
    copies.push(Buffer.from(c));
    views.push(c);
  }
  assert.deepEqual(Buffer.concat(copies), content);
  assert.deepEqual(copies.map((c) => c.length), [4096, 4096, 1808]);
  // One buffer: every view shares it, which is why consumers copy what they keep.
  assert.ok(views.every((v) => v.buffer === views[0]?.buffer));
  // Leaving early closes the handle; an aborted signal stops the next read.
  for await (const c of (await openInputChunks(path, { what: 'x', chunkBytes: 4096 })).stream) {
    assert.equal(c.length, 4096);
    break;
  }
  const aborted = new AbortController();
  aborted.abort(new Error('deadline'));
  const { stream: stopped } = await openInputChunks(path, { what: 'x', chunkBytes: 4096, signal: aborted.signal });
  await assert.rejects(async () => {
    for await (const _ of stopped) assert.fail('read after the signal was aborted');
  }, /deadline/);
  // An empty file is no chunk at all.
  writeFileSync(path, '');
  const empty: Buffer[] = [];
  for await (const c of (await openInputChunks(path, { what: 'x', chunkBytes: 4096 })).stream) empty.push(c);
  assert.deepEqual(empty, []);
});

test('local files: a directory of inputs is listed up to its entry cap', async () => {
  const keys = join(dir, 'keys');
  mkdirSync(keys);
  for (let i = 0; i < 5; i++) writeFileSync(join(keys, `k${i}.pub`), '');
  assert.deepEqual(await listInputDirectory(keys, { what: 'keyring', maxEntries: 5 }), ['k0.pub', 'k1.pub', 'k2.pub', 'k3.pub', 'k4.pub']);
  const r = await refusal(listInputDirectory(keys, { what: 'keyring', maxEntries: 4 }));
  assert.equal(r.code, 'LIMIT_EXCEEDED');
  assert.match(r.message, /more than 4 entries/);
  assert.equal((await refusal(listInputDirectory(fifo, { what: 'keyring', maxEntries: 4 }))).code, 'INPUT_UNREADABLE');
});

/**
 * Files that are not inputs: vouch's own package.json and @sigstore/tuf's seeds (installed with
 * vouch), what the build scripts read, the library's report writer (the CLI's --output) and the
 * batch output, which open only the --output file, for writing. Everything else opens files
 * through local-file.ts.
 */
const NOT_INPUTS = new Set(['pipeline/tool-version.ts', 'trust/sigstore/trusted-root.ts', 'trust/npm/registry-keys.ts', 'cli/write-bundle.ts', 'library/report.ts', 'cli/batch-output.ts']);

test('local files: no other module reads a file by itself', () => {
  const src = join(PROJECT_ROOT, 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing/'));
  for (const file of files) {
    if (file === 'sources/local-file.ts' || NOT_INPUTS.has(file)) continue;
    const text = readFileSync(join(src, file), 'utf8');
    assert.doesNotMatch(text, /\b(readFile|readFileSync|createReadStream|openSync|opendir)\b|\bimport \{[^}]*\bopen\b[^}]*\} from 'node:fs/, `${file} reads a file without local-file.ts`);
  }
});
