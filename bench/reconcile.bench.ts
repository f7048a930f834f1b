/**
 * Reconciliation cost against building the inventory it works on, for an image-sized synthetic
 * inventory built in memory: 100 packages owning 50,000 files (plus 500 unowned ones), one melange
 * SBOM per package. "Building the inventory" is the floor of what `vouch image` must do before it
 * can reconcile, measured with node's own zlib and crypto in the same run: gunzip the layer bytes,
 * hash every file's content (SHA-1 for apk's Z:, SHA-256 for the evidence), fill the file table and
 * read the apk database. Tar parsing, registry I/O and layer digests are left out, which makes the
 * floor cheaper than a real run and the ratio conservative. Target: < 10 % extra.
 *
 * Each round builds a fresh inventory and reconciles it once, as `vouch image` does: the
 * reconciliation pays for cold strings and caches like in a real run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readInstalledDb } from '../dist/inventory/apk-db.js';
import type { Inventory, InventoryFile } from '../src/inventory/types.js';
import { reconcile } from '../dist/reconcile/index.js';
import { readSbom } from '../dist/sbom/index.js';

const PACKAGES = 100;
const FILES = 50_000;
const UNOWNED = 500;
// Half incompressible, half text-like: layers of binaries and data compress about 2:1.
const POOL = Buffer.concat([randomBytes(512 * 1024), Buffer.from('usr/share/doc lorem ipsum dolor sit amet 0123456789\n'.repeat(10_000)).subarray(0, 512 * 1024)]);

/** File sizes with an image-like spread: many small files, some large (mean about 8 KiB). */
function sizeOf(i: number): number {
  const r = (i * 2654435761) % 1000;
  return r < 700 ? 512 + (r % 4096) : r < 970 ? 8192 + r * 16 : 131072 + r * 64;
}

function contentOf(i: number): Buffer {
  const size = sizeOf(i);
  const start = (i * 7919) % (POOL.length - size);
  return Buffer.concat([Buffer.from(`file ${i}\n`), POOL.subarray(start, start + size)]);
}

/** The compressed layer: every file's content in order (made once, outside the timing, like a pulled blob). */
const LAYER = gzipSync(Buffer.concat(Array.from({ length: FILES + UNOWNED }, (_, i) => contentOf(i))), { level: 6 });

/** Hashes file i's bytes, which start at `offset` in the decompressed layer. */
function hashFile(layer: Buffer, offset: number, i: number): { sha1: string; sha256: string; size: number } {
  const size = sizeOf(i) + `file ${i}\n`.length;
  const body = layer.subarray(offset, offset + size);
  return { sha1: createHash('sha1').update(body).digest('hex'), sha256: createHash('sha256').update(body).digest('hex'), size };
}

function melangeSbom(name: string, version: string): string {
  return JSON.stringify({
    SPDXID: 'SPDXRef-DOCUMENT', name: `apk-${name}-${version}`, spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0',
    documentNamespace: `https://spdx.org/spdxdocs/chainguard/melange/${name}`,
    creationInfo: { created: '2025-01-01T00:00:00Z', creators: ['Tool: melange (bench)', 'Organization: Chainguard, Inc'] },
    documentDescribes: [`SPDXRef-Package-${name}`],
    packages: [
      { SPDXID: `SPDXRef-Package-${name}`, name, versionInfo: version, filesAnalyzed: false, licenseDeclared: 'MIT', downloadLocation: 'NOASSERTION', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:apk/wolfi/${name}@${version}?arch=x86_64` }] },
      { SPDXID: `SPDXRef-Package-${name}.yaml`, name: `${name}.yaml`, versionInfo: 'a'.repeat(40), filesAnalyzed: false, downloadLocation: 'NOASSERTION', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:github/wolfi-dev/os@${'a'.repeat(40)}#${name}.yaml` }] },
    ],
    relationships: [{ spdxElementId: `SPDXRef-Package-${name}`, relationshipType: 'DESCRIBED_BY', relatedSpdxElement: `SPDXRef-Package-${name}.yaml` }],
  });
}

interface Built {
  inventory: Inventory;
  sboms: { origin: string; text: string }[];
  problems: number;
}

/** The inventory side: hash every file, fill the file table, read the database. */
function buildInventory(): Built {
  const layer = gunzipSync(LAYER);
  let offset = 0;
  let n = 0;
  const files = new Map<string, InventoryFile>();
  const db: string[] = [];
  const sboms: { origin: string; text: string }[] = [];
  const perPackage = FILES / PACKAGES;
  for (let p = 0; p < PACKAGES; p++) {
    const name = `pkg${p}`;
    const version = '1.0-r0';
    const lines = [`P:${name}`, `V:${version}`, 'A:x86_64', 'L:MIT', `c:${'a'.repeat(40)}`];
    for (let d = 0; d < 10; d++) {
      const dir = `usr/share/${name}/d${d}`;
      files.set(dir, { path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 });
      lines.push(`F:${dir}`);
      for (let f = 0; f < perPackage / 10 - (d === 0 ? 1 : 0); f++) {
        const path = `${dir}/f${f}`;
        const h = hashFile(layer, offset, n++);
        offset += h.size;
        files.set(path, { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: h.size, sha1: h.sha1, sha256: h.sha256 });
        lines.push(`R:f${f}`, `Z:Q1${Buffer.from(h.sha1, 'hex').toString('base64')}`);
      }
    }
    const origin = `var/lib/db/sbom/${name}-${version}.spdx.json`;
    const text = melangeSbom(name, version);
    const sha1 = createHash('sha1').update(text).digest();
    files.set(origin, { path: origin, type: 'file', mode: 0o644, uid: 0, gid: 0, size: text.length, sha1: sha1.toString('hex'), sha256: createHash('sha256').update(text).digest('hex') });
    lines.push('F:var/lib/db/sbom', `R:${name}-${version}.spdx.json`, `Z:Q1${sha1.toString('base64')}`);
    sboms.push({ origin, text });
    db.push(lines.join('\n'));
  }
  for (let u = 0; u < UNOWNED; u++) {
    const h = hashFile(layer, offset, n++);
    offset += h.size;
    files.set(`opt/extra/${u}`, { path: `opt/extra/${u}`, type: 'file', mode: 0o644, uid: 0, gid: 0, size: h.size, sha1: h.sha1, sha256: h.sha256 });
  }
  const { packages, problems } = readInstalledDb(`${db.join('\n\n')}\n`);
  return { inventory: { kind: 'image', databasePath: 'usr/lib/apk/db/installed', packages, files }, sboms, problems: problems.length };
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const ROUNDS = 5;

export async function run(): Promise<void> {
  // Interleaved rounds: the inventory and the reconciliation of the same round see the same machine load.
  const build: number[] = [];
  const reading: number[] = [];
  const reconciling: number[] = [];
  const ratios: number[] = [];
  let last: { built: Built; findings: number; summary: { matched: number; unowned: number } } | undefined;
  for (let round = 0; round <= ROUNDS; round++) {
    let t0 = process.hrtime.bigint();
    const built = buildInventory();
    const b = ms(t0);
    t0 = process.hrtime.bigint();
    const packageSboms = built.sboms.map((s) => ({ origin: s.origin, result: readSbom(s.text) }));
    const r = ms(t0);
    t0 = process.hrtime.bigint();
    const { evidence } = reconcile({ inventory: built.inventory, packageSboms });
    const c = ms(t0);
    last = { built, findings: evidence.findings.length, summary: evidence.summary };
    if (round === 0) continue; // warm-up
    build.push(b);
    reading.push(r);
    reconciling.push(c);
    ratios.push((r + c) / b);
  }
  if (!last || last.summary.matched < FILES || last.summary.unowned !== UNOWNED || last.built.problems !== 0) throw new Error(`unexpected result: ${JSON.stringify(last?.summary)}`);
  const { inventory } = last.built;
  const rows: [string, string, string][] = [
    ['build inventory: hash files, file table, read database (floor)', median(build).toFixed(1), `${inventory.files.size} entries, ${inventory.packages.length} packages`],
    ['read 100 melange SBOMs', median(reading).toFixed(1), 'readSbom, SPDX 2.3'],
    ['reconcile (package + file + provenance level)', median(reconciling).toFixed(1), `${last.findings} findings, ${last.summary.matched} matched`],
    ['extra over the inventory (median of per-round ratios)', `${(median(ratios) * 100).toFixed(1)} %`, `target < 10 %; ${ROUNDS} rounds`],
  ];
  console.log('| step | median ms | note |\n| --- | ---: | --- |');
  for (const [step, value, note] of rows) console.log(`| ${step} | ${value} | ${note} |`);
}
