/**
 * Differential: vouch's view of generated layers against what umoci (Go's archive/tar) puts on
 * disk for the same bytes. Where Go reads the layer, vouch must see exactly its files; where vouch
 * refuses a layer Go reads, the test shows what Go would have unpacked (the point of refusing).
 * Skipped when umoci is absent, failing under CI=true.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noopLogger } from '../context.js';
import { isVouchError } from '../errors.js';
import { OciLayoutCore } from '../sources/image/oci-layout.js';
import { resolveImage } from '../sources/image/open.js';
import { parsePlatform } from '../sources/image/platform.js';
import { decodeName } from '../sources/tar/names.js';
import { entry, file, gnuLong, imageOfTars, pax, tar } from '../testing/raw-tar.js';
import { blobsOf, tempDir, writeLayout } from '../testing/registry.js';
import type { BuiltImage } from '../testing/registry.js';
import { readImageFilesystem } from './image-inventory.js';

const ctx = { now: new Date(0), log: noopLogger };
const LIMITS = { maxDecompressedBytes: 1 << 30, maxEntries: 100_000, maxRatio: 1000, maxDocumentBytes: 1 << 20 };

function umociAvailable(): { skip?: string } {
  if (spawnSync('umoci', ['--version']).status === 0) return {};
  if (process.env['CI'] === 'true') throw new Error('umoci is required under CI');
  return { skip: 'umoci is not installed' };
}

/** What is on disk, non-directories only: path -> "file <sha256>" | "symlink <target>". */
type View = Map<string, string>;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function umociView(image: BuiltImage): View | string {
  const tmp = tempDir('vouch-umoci-');
  try {
    writeLayout(join(tmp.dir, 'layout'), blobsOf(image), [{ blob: image.manifest, annotations: { 'org.opencontainers.image.ref.name': 't' } }]);
    const r = spawnSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${join(tmp.dir, 'layout')}:t`, join(tmp.dir, 'rootfs')], { encoding: 'utf8' });
    if (r.status !== 0) return `umoci failed: ${r.stderr}`;
    const view: View = new Map();
    const walk = (dir: Buffer, rel: string): void => {
      for (const name of readdirSync(dir, { encoding: 'buffer' })) {
        const full = Buffer.concat([dir, Buffer.from('/'), name]);
        const path = rel === '' ? decodeName(name) : `${rel}/${decodeName(name)}`;
        const st = lstatSync(full);
        if (st.isDirectory()) walk(full, path);
        else if (st.isSymbolicLink()) view.set(path, `symlink ${decodeName(readlinkSync(full, { encoding: 'buffer' }))}`);
        else view.set(path, `file ${sha(readFileSync(full))}`);
      }
    };
    walk(Buffer.from(join(tmp.dir, 'rootfs')), '');
    return view;
  } finally {
    tmp.remove();
  }
}

async function vouchView(image: BuiltImage): Promise<View | string> {
  const tmp = tempDir('vouch-diff-');
  try {
    writeLayout(tmp.dir, blobsOf(image), [{ blob: image.manifest }]);
    const core = new OciLayoutCore(tmp.dir, {}, 1 << 20);
    const img = await resolveImage(core, parsePlatform('linux/amd64'));
    const fs = await readImageFilesystem(core, img.manifest.config, img.manifest.layers, LIMITS, ctx);
    const view: View = new Map();
    for (const [path, f] of fs.table.files) {
      if (f.type === 'file' || f.type === 'hardlink') view.set(path, `file ${f.sha256 ?? '?'}`);
      else if (f.type === 'symlink') view.set(path, `symlink ${f.linkTarget ?? ''}`);
    }
    return view;
  } catch (err) {
    if (isVouchError(err)) return `${err.code}: ${err.message}`;
    throw err;
  } finally {
    tmp.remove();
  }
}

const sorted = (v: View | string): [string, string][] | string => (typeof v === 'string' ? v : [...v.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));

const long = `usr/lib/${'x'.repeat(130)}`;
const raw = (s: string, ...b: number[]): Buffer => Buffer.concat([Buffer.from(s), Buffer.from(b)]);

/** Layers Go reads and vouch must read the same way. */
const AGREE: Record<string, Buffer[]> = {
  'PAX path over the header name, GNU long name and prefix': [
    tar([
      entry({ name: 'usr/', type: '5', mode: 0o755 }),
      pax({ path: 'usr/bin/from-pax' }),
      file('usr/bin/header-name', 'pax'),
      gnuLong(long),
      file('trunc', 'gnu'),
      pax({ path: 'usr/agree' }),
      gnuLong('usr/agree'),
      file('trunc2', 'agree'),
      entry({ name: 'name', prefix: 'usr/prefixed', content: 'prefix' }),
      gnuLong(`usr/lib/${'t'.repeat(120)}`, 'K'),
      entry({ name: 'usr/lnk', type: '2', linkname: 'short' }),
    ]),
  ],
  'names that are not UTF-8, and a whiteout of one of them': [
    tar([file(raw('a/', 0xff), 'ff'), file(raw('a/', 0xfe), 'fe'), file(raw('a/', 0xc3, 0xa9), 'utf8 e-acute')]),
    tar([file(raw('a/.wh.', 0xff))]),
  ],
  'whiteouts, opaque directories and hard links across layers': [
    tar([file('etc/keep', 'k'), file('etc/gone', 'g'), file('opt/a/old', 'o'), file('bin/busybox', 'bb')]),
    tar([file('etc/.wh.gone'), file('opt/a/.wh..wh..opq'), file('opt/a/new', 'n'), entry({ name: 'bin/sh', type: '1', linkname: 'bin/busybox' })]),
    tar([file('end', 'padded')], Buffer.alloc(8192)),
  ],
};

test('layer differential: vouch sees exactly the files umoci unpacks', umociAvailable(), async () => {
  for (const [name, tars] of Object.entries(AGREE)) {
    const image = imageOfTars(tars);
    const disk = umociView(image);
    assert.equal(typeof disk, 'object', `${name}: ${String(disk)}`);
    assert.deepEqual(sorted(await vouchView(image)), sorted(disk), name);
  }
});

test('layer differential: where vouch refuses, Go reads one of the possible views', umociAvailable(), async () => {
  // Data after the marker: Go stops at it, so the honest copy after it is not what lands on disk.
  const afterMarker = imageOfTars([tar([file('usr/bin/hello', 'backdoor')], file('usr/bin/hello', 'honest'))]);
  assert.deepEqual(sorted(umociView(afterMarker)), [['usr/bin/hello', `file ${sha(Buffer.from('backdoor'))}`]]);
  assert.match(String(await vouchView(afterMarker)), /^LAYER_INVALID: .*data after the end-of-archive marker/);
  // PAX path and GNU long name disagree: Go applies the GNU name last.
  const names = imageOfTars([tar([pax({ path: 'var/cache/apk/x' }), gnuLong('usr/bin/hello'), file('short', 'evil')])]);
  assert.deepEqual(sorted(umociView(names)), [['usr/bin/hello', `file ${sha(Buffer.from('evil'))}`]]);
  assert.match(String(await vouchView(names)), /^LAYER_INVALID: .*disagree/);
  // Repeated PAX headers: Go keeps the last one.
  const repeated = imageOfTars([tar([pax({ path: 'usr/bin/hello' }), pax({ path: 'var/cache/x' }), file('short', 'evil')])]);
  assert.deepEqual(sorted(umociView(repeated)), [['var/cache/x', `file ${sha(Buffer.from('evil'))}`]]);
  assert.match(String(await vouchView(repeated)), /^LAYER_INVALID: .*a second PAX header/);
  // A global header: containerd ignores it (Go returns it as an entry), umoci refuses the layer.
  const global = imageOfTars([tar([pax({ comment: 'x' }, 'g'), file('short', 'evil')])]);
  assert.match(String(umociView(global)), /unknown typeflag '\\x67'/);
  assert.match(String(await vouchView(global)), /^LAYER_INVALID: .*global header/);
});
