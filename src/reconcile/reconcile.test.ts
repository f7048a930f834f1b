import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { ProvenanceEvidence } from '../evidence/types.js';
import { readInstalledDb } from '../inventory/apk-db.js';
import type { Inventory, InventoryFile } from '../inventory/types.js';
import { readSbom } from '../sbom/read.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { reconcile } from './reconcile.js';
import type { ReadSbom, ReconcileInput } from './types.js';

/**
 * Reconciliation of apko's real golden image (MANIFEST 1.3b: layer, database, apks and SBOMs
 * agree), then of tampered copies of it, each of which must be caught with the right code and path.
 */

const GOLDEN = 'chainguard-dev-apko/internal/cli/testdata/golden';
const LAYER = `${GOLDEN}/blobs/sha256/c7557730da0e2d7fb242d8d1ac6dcf7e3a2439732aa5981270b4f3a02454b738`;

/** What image builders write besides packages: the allow-list policies/sbom.yaml keeps. */
const BUILDER_FILES = [/^etc\/apk\//, /^etc\/apko\.json$/, /^etc\/passwd$/, /^etc\/os-release$/, /^lib\/apk$/, /^(usr\/)?lib\/apk\/db\//, /^dev\//];

interface Layer {
  files: Map<string, InventoryFile>;
  contents: Map<string, Buffer>;
}

/** Squashes gzip tar layers in order (apko's layers carry no whiteouts). */
async function readLayer(...paths: string[]): Promise<Layer> {
  const files = new Map<string, InventoryFile>();
  const contents = new Map<string, Buffer>();
  for (const path of paths) await readOne(path, files, contents);
  return { files, contents };
}

async function readOne(path: string, files: Map<string, InventoryFile>, contents: Map<string, Buffer>): Promise<void> {
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        const name = header.name.replace(/^\.?\/+/, '').replace(/\/$/, '');
        const body = Buffer.concat(chunks);
        // A non-directory over a directory hides everything under it (overlay semantics).
        if (header.type !== 'directory' && files.get(name)?.type === 'dir') {
          for (const key of [...files.keys()]) if (key.startsWith(`${name}/`)) files.delete(key);
        }
        const type = header.type === 'file' ? 'file' : header.type === 'directory' ? 'dir' : header.type === 'symlink' ? 'symlink' : header.type === 'link' ? 'hardlink' : 'other';
        files.set(name, {
          path: name, type, mode: header.mode ?? 0, uid: header.uid ?? 0, gid: header.gid ?? 0, size: body.length,
          ...(header.linkname ? { linkTarget: header.linkname } : {}),
          ...(type === 'file' ? { sha1: createHash('sha1').update(body).digest('hex'), sha256: createHash('sha256').update(body).digest('hex') } : {}),
        });
        if (type === 'file') contents.set(name, body);
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(gunzipSync(readFileSync(realdata(path))));
  await done;
}

function inputFrom(layer: Layer, imageSbom?: ReadSbom): ReconcileInput {
  const dbPath = ['usr/lib/apk/db/installed', 'lib/apk/db/installed'].find((p) => layer.files.has(p)) ?? 'usr/lib/apk/db/installed';
  const db = layer.contents.get(dbPath)?.toString('utf8') ?? '';
  const { packages, problems } = readInstalledDb(db);
  const packageSboms = [...layer.contents].filter(([p]) => p.startsWith('var/lib/db/sbom/') && layer.files.has(p)).map(([origin, body]) => ({ origin, result: readSbom(body) }));
  return {
    inventory: { kind: 'image', databasePath: dbPath, packages, files: layer.files },
    databaseProblems: problems,
    packageSboms,
    ...(imageSbom ? { imageSboms: [imageSbom] } : {}),
  };
}

const goldenImageSbom = (): ReadSbom => ({ origin: 'sboms/sbom-x86_64.spdx.json', result: readSbom(readFileSync(realdata(`${GOLDEN}/sboms/sbom-x86_64.spdx.json`))) });
const significant = (input: ReconcileInput) => reconcile(input).evidence.findings.filter((f) => !(f.code === 'FILE_UNOWNED' && BUILDER_FILES.some((re) => re.test(f.path ?? ''))));
const codes = (input: ReconcileInput) => significant(input).map((f) => `${f.code} ${f.package ?? '-'} ${f.path ?? '-'}`);

test('golden apko image: database, files, package SBOMs and image SBOM agree', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const input = inputFrom(layer, goldenImageSbom());
  assert.equal(input.inventory.packages.length, 2);
  assert.equal(input.packageSboms?.length, 2);
  const { evidence } = reconcile(input);
  assert.deepEqual(codes(input), []);
  assert.equal(evidence.summary.missing, 0);
  assert.equal(evidence.summary.modified, 0);
  assert.equal(evidence.summary.mismatched, 0);
  assert.ok(evidence.summary.matched >= 8, JSON.stringify(evidence.summary));
  // The unowned entries are exactly what apko writes itself.
  const unowned = evidence.findings.filter((f) => f.code === 'FILE_UNOWNED').map((f) => f.path);
  assert.ok(unowned.includes('etc/apk/world') && unowned.includes('usr/lib/apk/db/installed') && unowned.includes('dev/null'), unowned.join(' '));
  assert.equal(evidence.summary.unowned, unowned.length);
});

test('layered apko images (base_image, top_image on it) agree too', needsRealdata(), async () => {
  const blobs = 'chainguard-dev-apko/internal/cli/testdata';
  const base = `${blobs}/base_image/blobs/sha256/bf74ddaf55d32ec9672a0a40efc6cb1bf0a167763c18fc22586c8a301167822f`;
  const top = `${blobs}/top_image/blobs/sha256/7bd766d91d366d79c001436814bdfd629ef6da668805945c414cb074ddb7f0ed`;
  assert.deepEqual(codes(inputFrom(await readLayer(base))), []);
  // apko rewrote the database of the top image without package-y (not in its world), but the base
  // layer still holds package-y's files: exactly the "removed from the database, left on disk" case.
  const layered = inputFrom(await readLayer(base, top));
  assert.deepEqual(layered.inventory.packages.map((p) => p.name), ['pretend-baselayout', 'package-x', 'replayout']);
  assert.deepEqual(codes(layered), [
    'SBOM_PACKAGE_NOT_INSTALLED package-y var/lib/db/sbom/package-y-1.0.0-r0.spdx.json',
    'FILE_UNOWNED - var/lib/db/sbom/package-y-1.0.0-r0.spdx.json',
    'FILE_UNOWNED - y/hello.txt',
  ]);
});

test('tampered: a modified owned file is FILE_MODIFIED at its path', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const file = layer.files.get('etc/os-release');
  assert.ok(file);
  layer.files.set('etc/os-release', { ...file, sha1: createHash('sha1').update('ID=evil\n').digest('hex') });
  assert.deepEqual(codes(inputFrom(layer)), ['FILE_MODIFIED replayout etc/os-release']);
  const finding = significant(inputFrom(layer))[0];
  assert.equal(finding?.expected, 'Q1yl5Se7uKXMnEwtK04pYY2Mo75fg=');
  assert.equal(finding?.level, 'file');
});

test('tampered: a changed mode is FILE_MODE_MISMATCH', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const file = layer.files.get('etc/os-release');
  assert.ok(file);
  layer.files.set('etc/os-release', { ...file, mode: 0o4755 });
  assert.deepEqual(codes(inputFrom(layer)), ['FILE_MODE_MISMATCH replayout etc/os-release']);
});

test('tampered: a deleted owned file is FILE_MISSING', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  layer.files.delete('var/lib/db/sbom/replayout-1.0.0-r0.spdx.json');
  layer.contents.delete('var/lib/db/sbom/replayout-1.0.0-r0.spdx.json');
  assert.deepEqual(codes(inputFrom(layer)), ['FILE_MISSING replayout var/lib/db/sbom/replayout-1.0.0-r0.spdx.json']);
});

test('tampered: an added binary is FILE_UNOWNED', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const body = Buffer.from('\x7fELF...');
  layer.files.set('usr/bin/backdoor', { path: 'usr/bin/backdoor', type: 'file', mode: 0o755, uid: 0, gid: 0, size: body.length, sha1: createHash('sha1').update(body).digest('hex') });
  assert.deepEqual(codes(inputFrom(layer)), ['FILE_UNOWNED - usr/bin/backdoor']);
});

test('tampered: a package removed from the database but left on disk', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const dbPath = ['usr/lib/apk/db/installed', 'lib/apk/db/installed'].find((p) => layer.files.has(p)) ?? 'usr/lib/apk/db/installed';
  const db = layer.contents.get(dbPath)?.toString('utf8') ?? '';
  const kept = db.split('\n\n').filter((record) => !record.startsWith('P:replayout')).join('\n\n');
  layer.contents.set('usr/lib/apk/db/installed', Buffer.from(kept));
  const found = codes(inputFrom(layer, goldenImageSbom()));
  assert.deepEqual(found, [
    'SBOM_PACKAGE_NOT_INSTALLED replayout sboms/sbom-x86_64.spdx.json',
    'SBOM_PACKAGE_NOT_INSTALLED replayout var/lib/db/sbom/replayout-1.0.0-r0.spdx.json',
    'FILE_UNOWNED - var/lib/db/sbom/replayout-1.0.0-r0.spdx.json',
  ]);
});

test('tampered: an SBOM whose version was changed', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const path = 'var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json';
  const changed = Buffer.from((layer.contents.get(path)?.toString('utf8') ?? '').replaceAll('1.0.0-r0', '1.0.1-r0'));
  layer.contents.set(path, changed);
  const file = layer.files.get(path);
  assert.ok(file);
  layer.files.set(path, { ...file, sha1: createHash('sha1').update(changed).digest('hex') });
  const found = codes(inputFrom(layer));
  assert.ok(found.includes(`SBOM_VERSION_MISMATCH pretend-baselayout ${path}`), found.join('\n'));
  assert.ok(found.includes(`FILE_MODIFIED pretend-baselayout ${path}`), found.join('\n'));
  const version = significant(inputFrom(layer)).find((f) => f.code === 'SBOM_VERSION_MISMATCH');
  assert.equal(version?.expected, '1.0.0-r0');
  assert.equal(version?.found, '1.0.1-r0');
});

test('image SBOM: a missing package and a license disagreement', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const doc = JSON.parse(readFileSync(realdata(`${GOLDEN}/sboms/sbom-x86_64.spdx.json`), 'utf8')) as { packages: { name: string; licenseDeclared?: string }[] };
  doc.packages = doc.packages.filter((p) => p.name !== 'replayout');
  const baselayout = doc.packages.find((p) => p.name === 'pretend-baselayout');
  if (baselayout) baselayout.licenseDeclared = 'GPL-3.0-only';
  const found = codes(inputFrom(layer, { origin: 'image.spdx.json', result: readSbom(JSON.stringify(doc)) }));
  assert.ok(found.includes('IMAGE_SBOM_PACKAGE_MISSING replayout image.spdx.json'), found.join('\n'));
  assert.ok(found.includes('SBOM_LICENSE_MISMATCH pretend-baselayout image.spdx.json'), found.join('\n'));
});

test('no database, two owners, malformed records, hard links and usr-merge lookups', () => {
  const file = (path: string, body: string, extra: Partial<InventoryFile> = {}): [string, InventoryFile] => [
    path, { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, sha1: createHash('sha1').update(body).digest('hex'), ...extra },
  ];
  const q1 = (body: string) => `Q1${createHash('sha1').update(body).digest('base64')}`;
  const files = new Map<string, InventoryFile>([
    ['lib', { path: 'lib', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkTarget: 'usr/lib' }],
    ['usr/lib', { path: 'usr/lib', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 }],
    file('usr/lib/libz.so', 'z'),
    ['usr/lib/libz.so.1', { path: 'usr/lib/libz.so.1', type: 'hardlink', mode: 0o644, uid: 0, gid: 0, size: 0, linkTarget: 'usr/lib/libz.so' }],
  ]);
  assert.deepEqual(reconcile({ inventory: { kind: 'image', packages: [], files } }).evidence.findings[0]?.code, 'DB_ABSENT');
  const db = `P:zlib\nV:1-r0\nF:lib\nR:libz.so\nZ:${q1('z')}\nR:libz.so.1\nZ:${q1('z')}\n\nP:evil\nV:1-r0\nF:usr/lib\nR:libz.so\nZ:${q1('z')}\n\nP:broken\nF:x\n`;
  const { packages, problems } = readInstalledDb(db);
  const result = reconcile({ inventory: { kind: 'image', databasePath: 'lib/apk/db/installed', packages, files }, databaseProblems: problems });
  const found = result.evidence.findings.map((f) => `${f.code} ${f.package ?? '-'} ${f.path ?? '-'}`);
  assert.ok(found.includes('FILE_OWNED_TWICE evil,zlib usr/lib/libz.so'), found.join('\n'));
  assert.ok(found.includes('DB_RECORD_MALFORMED broken lib/apk/db/installed'), found.join('\n'));
  assert.ok(!found.some((f) => f.startsWith('FILE_MISSING') || f.startsWith('FILE_MODIFIED') || f.startsWith('FILE_UNOWNED')), found.join('\n'));
});

test('provenance level: build configuration commit against the database and verified provenance', needsRealdata(), async () => {
  const layer = await readLayer(LAYER);
  const input = inputFrom(layer);
  const base = { slsaVersion: '1.0' as const, builderId: 'https://chainguard.dev/prod/builders/melange/v1', buildType: 'https://chainguard.dev/buildtypes/melange/v1', attestation: 'att-1' };
  const good: ProvenanceEvidence = { ...base, verified: true, source: { uri: 'git+https://github.com/https:/%2Funknown%2Funknown%2Funknown', digest: { gitCommit: '326e0ed687bdfeadac839dc9b25686e4442c9d04' } }, subjects: [{ name: 'replayout-1.0.0-r0.apk', digest: { sha256: 'a'.repeat(64) } }] };
  const other: ProvenanceEvidence = { ...good, source: { uri: 'git+https://github.com/evil/os', digest: { gitCommit: 'b'.repeat(40) } } };
  const found = reconcile({ ...input, provenance: [other, { ...good, verified: false, attestation: 'att-2' }] }).evidence.findings.filter((f) => f.level === 'provenance').map((f) => `${f.code} ${f.package ?? '-'}`);
  assert.deepEqual(found, ['PROVENANCE_COMMIT_MISMATCH replayout', 'PROVENANCE_SOURCE_MISMATCH replayout', 'PROVENANCE_UNVERIFIED -']);
  const commit = { ...input, inventory: { ...input.inventory, packages: input.inventory.packages.map((p) => ({ ...p, commit: 'c'.repeat(40) })) } } as ReconcileInput & { inventory: Inventory };
  const mismatch = reconcile(commit).evidence.findings.filter((f) => f.code === 'BUILD_CONFIG_COMMIT_MISMATCH');
  assert.equal(mismatch.length, 2);
  assert.equal(mismatch[0]?.found, '326e0ed687bdfeadac839dc9b25686e4442c9d04');
});
