import type { Finding } from '../evidence/types.js';
import type { InstalledPackage } from '../inventory/types.js';
import type { SbomDocument, SbomPackage, SbomReadResult } from '../sbom/model.js';
import { purlOf } from '../sbom/purl.js';
import { PACKAGE_CODES } from './codes.js';
import { reconcilePackageSbom } from './package-sbom.js';
import type { PackageRecord } from './package-sbom.js';
import type { PathIndex } from './path-index.js';
import type { ReadSbom, ReconcileInput } from './types.js';

/**
 * Package level: the apk database against each package's own (melange) SBOM, found through file
 * ownership (the database says which package owns var/lib/db/sbom/<name>-<version>.spdx.json), and
 * against every image-level SBOM. The comparison of one record with one SBOM is package-sbom.ts's.
 */
export interface PackageSbom {
  readonly pkg: InstalledPackage;
  readonly origin: string;
  readonly document: SbomDocument;
}

export function recordOf(pkg: InstalledPackage): PackageRecord {
  return { name: pkg.name, version: pkg.version, ...(pkg.arch !== undefined ? { arch: pkg.arch } : {}), licenses: pkg.license ? [pkg.license] : [] };
}

/** Returns the package SBOMs that were read, for the provenance level. */
export function reconcilePackages(input: ReconcileInput, index: PathIndex, findings: Finding[]): PackageSbom[] {
  const { inventory } = input;
  const dbPath = inventory.databasePath ?? 'lib/apk/db/installed';
  for (const p of input.databaseProblems ?? []) {
    findings.push({ level: 'package', code: PACKAGE_CODES.DB_RECORD_MALFORMED, path: dbPath, message: `line ${p.line}: ${p.reason}`, ...(p.package !== undefined ? { package: p.package } : {}), found: `line ${p.line}` });
  }
  const dir = input.options?.sbomDirectory ?? 'var/lib/db/sbom/';
  const byPath = new Map((input.packageSboms ?? []).map((s) => [s.origin.replace(/^\/+/, ''), s]));
  const read: PackageSbom[] = [];
  for (const pkg of inventory.packages) {
    const owned = pkg.files.filter((f) => f.path.startsWith(dir));
    const base = { level: 'package' as const, package: pkg.name };
    if (owned.length === 0) {
      findings.push({ ...base, code: PACKAGE_CODES.PACKAGE_SBOM_MISSING, message: `${pkg.name} ${pkg.version} is installed without an SBOM under ${dir}`, expected: `${dir}${pkg.name}-${pkg.version}.spdx.json`, found: 'none' });
      continue;
    }
    if (owned.length > 1) {
      findings.push({ ...base, code: PACKAGE_CODES.PACKAGE_SBOM_MULTIPLE, path: owned[0]?.path ?? dir, message: `${pkg.name} owns ${owned.length} SBOMs`, expected: '1', found: owned.map((f) => f.path).join(', ') });
    }
    for (const file of owned) {
      const sbom = byPath.get(file.path);
      if (!sbom) {
        // An owned SBOM that is absent is the file level's FILE_MISSING; one present but not read cannot be judged.
        if (index.lookup(file.path)) findings.push({ ...base, code: PACKAGE_CODES.PACKAGE_SBOM_NOT_READ, path: file.path, message: `${file.path} is in the image but was not read`, found: 'not read' });
        continue;
      }
      findings.push(...reconcilePackageSbom(recordOf(pkg), sbom.result, sbom.origin), ...invalid(sbom, pkg.name));
      if (sbom.result.kind === 'sbom') read.push({ pkg, origin: file.path, document: sbom.result.document });
    }
  }
  for (const [path, sbom] of byPath) {
    if (index.owners.has(path)) continue;
    const names = sbom.result.kind === 'sbom' ? apkPackages(sbom.result.document).map(([name]) => name) : [];
    findings.push({
      level: 'package', code: PACKAGE_CODES.SBOM_PACKAGE_NOT_INSTALLED, path, ...(names[0] !== undefined ? { package: names[0] } : {}),
      message: `${path} describes ${names.join(', ') || 'a package'}, which no installed package owns`, expected: 'an installed owner', found: 'none',
    });
  }
  for (const sbom of input.imageSboms ?? []) reconcileImageSbom(inventory.packages, sbom, findings);
  return read;
}

function reconcileImageSbom(packages: readonly InstalledPackage[], sbom: ReadSbom, findings: Finding[]): void {
  if (sbom.result.kind !== 'sbom') {
    // package-sbom.ts words "cannot be read" and "unsupported version" the same way for every SBOM.
    findings.push(...reconcilePackageSbom({ name: '', version: '', licenses: [] }, sbom.result, sbom.origin).map(({ package: _unused, ...f }) => f));
    return;
  }
  const doc = sbom.result.document;
  findings.push(...invalid(sbom, undefined));
  const listed = new Map<string, SbomPackage[]>();
  for (const [name, p] of apkPackages(doc)) listed.set(name, [...(listed.get(name) ?? []), p]);
  const installed = new Set(packages.map((p) => p.name));
  for (const pkg of packages) {
    const entries = listed.get(pkg.name);
    if (!entries) {
      findings.push({ level: 'package', code: PACKAGE_CODES.IMAGE_SBOM_PACKAGE_MISSING, package: pkg.name, path: sbom.origin, message: `the image SBOM does not list installed package ${pkg.name} ${pkg.version}`, expected: `${pkg.name}@${pkg.version}`, found: 'not listed' });
      continue;
    }
    const only: SbomReadResult = { kind: 'sbom', document: { ...doc, packages: entries } };
    findings.push(...reconcilePackageSbom(recordOf(pkg), only, sbom.origin));
  }
  for (const [name, entries] of listed) {
    if (installed.has(name)) continue;
    findings.push({ level: 'package', code: PACKAGE_CODES.SBOM_PACKAGE_NOT_INSTALLED, package: name, path: sbom.origin, message: `the image SBOM lists ${name} ${entries[0]?.version ?? ''}, which is not installed`.trim(), expected: 'not listed', found: `${name}@${entries[0]?.version ?? ''}` });
  }
}

/** The SBOM's apk packages by purl name (pkg:apk/<distro>/<name>@<version>). */
export function apkPackages(doc: SbomDocument): [string, SbomPackage][] {
  const out: [string, SbomPackage][] = [];
  for (const p of doc.packages) {
    const purl = purlOf(p.purl);
    if (purl?.type === 'apk') out.push([purl.name, p]);
  }
  return out;
}

function invalid(sbom: ReadSbom, pkg: string | undefined): Finding[] {
  if (sbom.result.kind !== 'sbom' || sbom.result.document.issues.length === 0) return [];
  const issues = sbom.result.document.issues;
  const first = issues[0];
  return [{
    level: 'package', code: PACKAGE_CODES.SBOM_INVALID, path: sbom.origin, ...(pkg !== undefined ? { package: pkg } : {}),
    message: `${sbom.origin} has ${issues.length} validation issue(s); first: ${first?.path || '/'}: ${first?.reason ?? ''}`, expected: 'no issues', found: `${issues.length} issue(s)`,
  }];
}
