import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../testing/cli.js';
import { gzipMembers, readTar, sampleManifest, SAMPLE_DIR, SAMPLE_KEYS, samplePath } from '../testing/sample.js';
import type { TarItem } from '../testing/sample.js';

/**
 * The committed sample world is reproducible (regenerated into a temporary folder it is byte
 * for byte the same) and internally consistent: signatures, datahash, PAX checksums, APKINDEX C:
 * and S:, blob digests, diff_ids, and the apk database against the layer. Checked with node's
 * crypto and zlib and tar-stream only, so it does not depend on vouch's own readers.
 */
const sha = (alg: string, b: Buffer | string) => createHash(alg).update(b).digest();
const q1 = (b: Buffer | string) => `Q1${sha('sha1', b).toString('base64')}`;
const manifest = sampleManifest();

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

test('fixtures: regenerating gives the committed bytes', () => {
  const out = mkdtempSync(join(tmpdir(), 'vouch-sample-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'testdata/gen/main.ts', '--out', out], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /signing \d+ payloads/, 'the signing cache must cover every signature (run npm run fixtures and commit)');
    const committed = files(SAMPLE_DIR).map((f) => relative(SAMPLE_DIR, f)).sort();
    const fresh = files(out).map((f) => relative(out, f)).sort();
    assert.deepEqual(fresh, committed);
    for (const f of committed) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(SAMPLE_DIR, f))), `${f} differs after regeneration`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('fixtures: the sample stays small', () => {
  const total = files(SAMPLE_DIR).reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(total < 4 * 1024 * 1024, `testdata/sample is ${total} bytes`);
});

async function readApk(path: string) {
  const bytes = readFileSync(path);
  const [sig, control, data, ...rest] = gzipMembers(bytes);
  assert.ok(sig && control && data && rest.length === 0, `${path}: three gzip members`);
  const sigItems = await readTar(sig.data);
  const pkginfo = (await readTar(control.data)).find((i) => i.name === '.PKGINFO')?.content.toString() ?? '';
  const info = Object.fromEntries(pkginfo.split('\n').filter((l) => l.includes(' = ')).map((l) => l.split(' = ') as [string, string]));
  return { bytes, sig, control, data, sigItems, info, dataItems: await readTar(data.data) };
}

test('fixtures: every sample apk is signed, hashed and checksummed like melange does it', async () => {
  const pub = readFileSync(SAMPLE_KEYS.apk);
  for (const entry of manifest.apks) {
    const apk = await readApk(samplePath(entry.file));
    assert.equal(apk.sigItems[0]?.name, '.SIGN.RSA256.vouch-sample.rsa.pub');
    assert.ok(verify('sha256', apk.control.raw, pub, apk.sigItems[0]?.content ?? Buffer.alloc(0)), `${entry.file}: RSA256 signature`);
    assert.equal(apk.info['datahash'], sha('sha256', apk.data.raw).toString('hex'), `${entry.file}: datahash`);
    assert.equal(apk.info['pkgname'], entry.name);
    assert.equal(apk.info['arch'], entry.arch);
    assert.equal(q1(apk.control.raw), entry.checksum);
    let size = 0;
    for (const item of apk.dataItems.filter((i) => i.type === 'file' || i.type === 'symlink')) {
      const hashed = item.type === 'symlink' ? (item.linkname ?? '') : item.content;
      assert.equal(item.pax['APK-TOOLS.checksum.SHA1'], sha('sha1', hashed).toString('hex'), `${entry.file}: ${item.name} PAX SHA-1`);
      size += item.content.length;
    }
    assert.equal(Number(apk.info['size']), size, `${entry.file}: installed size`);
    const sbom = apk.dataItems.find((i) => i.name === `var/lib/db/sbom/${entry.name}-${entry.version}.spdx.json`);
    assert.ok(sbom, `${entry.file}: embedded SBOM`);
    const doc = JSON.parse(sbom.content.toString()) as { spdxVersion: string; packages: { versionInfo?: string; externalRefs?: { referenceLocator: string }[] }[] };
    assert.equal(doc.spdxVersion, 'SPDX-2.3');
    const purl = doc.packages.flatMap((p) => p.externalRefs ?? []).find((r) => r.referenceLocator.startsWith('pkg:apk/'));
    assert.equal(purl?.referenceLocator, `pkg:apk/vouch-sample/${entry.name}@${entry.version}?arch=${entry.arch}&distro=vouch-sample`);
  }
});

test('fixtures: APKINDEX is signed and its C: and S: match the packages', async () => {
  for (const arch of ['x86_64', 'aarch64']) {
    const [sig, content] = gzipMembers(readFileSync(samplePath('apk', arch, 'APKINDEX.tar.gz')));
    assert.ok(sig && content);
    const signature = (await readTar(sig.data))[0]?.content ?? Buffer.alloc(0);
    assert.ok(verify('sha256', content.raw, readFileSync(SAMPLE_KEYS.apk), signature), `${arch}: index signature`);
    const index = (await readTar(content.data)).find((i) => i.name === 'APKINDEX')?.content.toString() ?? '';
    const records = index.trim().split('\n\n');
    const apks = manifest.apks.filter((a) => a.arch === arch);
    assert.equal(records.length, apks.length);
    for (const a of apks) {
      const rec = records.find((r) => r.includes(`\nP:${a.name}\n`)) ?? '';
      assert.match(rec, new RegExp(`^C:${a.checksum.replace(/[+/=]/g, '\\$&')}$`, 'm'));
      assert.match(rec, new RegExp(`^S:${a.size}$`, 'm'));
    }
  }
});

interface Layout {
  blob: (d: string) => Buffer;
  json: <T>(d: string) => T;
}
function layout(dir: string): Layout {
  const blob = (d: string) => {
    const b = readFileSync(samplePath(dir, 'blobs', 'sha256', d.replace('sha256:', '')));
    assert.equal(`sha256:${sha('sha256', b).toString('hex')}`, d);
    return b;
  };
  return { blob, json: <T>(d: string) => JSON.parse(blob(d).toString()) as T };
}

/** What the layer says against what its apk database says: the oracle for the file-level twins. */
async function reconcileLayer(dir: string, digest: string) {
  const l = layout(dir);
  const m = l.json<{ config: { digest: string }; layers: { digest: string; size: number }[] }>(digest);
  const cfg = l.json<{ rootfs: { diff_ids: string[] } }>(m.config.digest);
  const layerBytes = l.blob(m.layers[0]?.digest ?? '');
  const tar = gunzipSync(layerBytes);
  assert.equal(cfg.rootfs.diff_ids[0], `sha256:${sha('sha256', tar).toString('hex')}`, 'diff_id');
  const items = new Map<string, TarItem>((await readTar(tar)).map((i) => [i.name.replace(/\/$/, ''), i]));
  assert.equal(items.get('lib/apk')?.linkname, '../usr/lib/apk');
  const db = items.get('usr/lib/apk/db/installed')?.content.toString() ?? '';
  const owned = new Set<string>();
  const modified: string[] = [];
  const versions = new Map<string, string>();
  for (const rec of db.trim().split('\n\n')) {
    let dirName = '';
    let name = '';
    let path = '';
    for (const line of rec.split('\n')) {
      const [k, v = ''] = [line.slice(0, 1), line.slice(2)];
      if (k === 'P') name = v;
      if (k === 'V') versions.set(name, v);
      if (k === 'F') dirName = v;
      if (k === 'R') owned.add((path = `${dirName}/${v}`));
      if (k === 'Z') {
        const it = items.get(path);
        const actual = it?.type === 'symlink' ? (it.linkname ?? '') : (it?.content ?? Buffer.alloc(0));
        if (q1(actual) !== v) modified.push(path);
      }
    }
  }
  const builder = /^(etc\/apk\/|etc\/(os-release|passwd|group)$|usr\/lib\/apk\/db\/|lib\/apk$)/;
  const unowned = [...items.values()].filter((i) => i.type !== 'directory' && !owned.has(i.name) && !builder.test(i.name)).map((i) => i.name);
  const sbomVersions: string[] = [];
  for (const [pkg, version] of versions) {
    const doc = items.get(`var/lib/db/sbom/${pkg}-${version}.spdx.json`);
    const parsed = JSON.parse(doc?.content.toString() ?? '{}') as { packages?: { name: string; versionInfo?: string; primaryPackagePurpose?: string }[] };
    const p = parsed.packages?.find((x) => x.name === pkg && x.primaryPackagePurpose === 'APPLICATION');
    if (p?.versionInfo !== version) sbomVersions.push(`${pkg}: ${p?.versionInfo ?? 'none'} != ${version}`);
  }
  return { modified, unowned, sbomVersions };
}

test('fixtures: the honest image reconciles and each file-level twin differs in exactly one way', async () => {
  const expected: Record<string, { modified: string[]; unowned: string[]; sbom: number }> = {
    image: { modified: [], unowned: [], sbom: 0 },
    'tampered/modified-file/image': { modified: ['usr/bin/hello'], unowned: [], sbom: 0 },
    'tampered/unowned-binary/image': { modified: [], unowned: ['usr/bin/backdoor'], sbom: 0 },
    'tampered/sbom-version/image': { modified: [], unowned: [], sbom: 1 },
    'tampered/provenance-source/image': { modified: [], unowned: [], sbom: 0 },
    'tampered/signature-digest/image': { modified: [], unowned: [], sbom: 0 },
  };
  const images = [manifest.image, ...manifest.twins.flatMap((t) => (t.image ? [t.image] : []))];
  assert.equal(images.length, Object.keys(expected).length);
  for (const img of images) {
    const want = expected[img.layout];
    assert.ok(want, img.layout);
    for (const digest of Object.values(img.platforms)) {
      const got = await reconcileLayer(img.layout, digest);
      assert.deepEqual(got.modified, want.modified, `${img.layout} modified`);
      assert.deepEqual(got.unowned, want.unowned, `${img.layout} unowned`);
      assert.equal(got.sbomVersions.length, want.sbom, `${img.layout} SBOM versions ${got.sbomVersions.join('; ')}`);
    }
  }
});

test('fixtures: the apk twins differ in exactly one way', async () => {
  const rogue = await readApk(samplePath('tampered', 'unknown-key', 'hello-2.12-r0.apk'));
  assert.equal(rogue.sigItems[0]?.name, '.SIGN.RSA256.rogue-builder.rsa.pub');
  assert.ok(!verify('sha256', rogue.control.raw, readFileSync(SAMPLE_KEYS.apk), rogue.sigItems[0]?.content ?? Buffer.alloc(0)));
  assert.ok(verify('sha256', rogue.control.raw, readFileSync(SAMPLE_KEYS.rogueApk), rogue.sigItems[0]?.content ?? Buffer.alloc(0)));
  const bad = await readApk(samplePath('tampered', 'sbom-version', 'hello-2.12-r0.apk'));
  assert.ok(verify('sha256', bad.control.raw, readFileSync(SAMPLE_KEYS.apk), bad.sigItems[0]?.content ?? Buffer.alloc(0)));
  assert.equal(bad.info['datahash'], sha('sha256', bad.data.raw).toString('hex'));
  const sbom = bad.dataItems.find((i) => i.name === 'var/lib/db/sbom/hello-2.12-r0.spdx.json');
  assert.match(sbom?.content.toString() ?? '', /"versionInfo": "2\.12-r1"/);
});
