import { PackageURL } from 'packageurl-js';
import type { Finding } from '../evidence/types.js';
import type { SbomPackage, SbomReadResult } from '../sbom/model.js';
import { licensesAgree } from './license-match.js';

/**
 * Package-level reconciliation: does an SBOM describe the package that is actually there?
 * The installed record comes from an apk's .PKGINFO or an apk database entry; the SBOM from the
 * package itself (melange) or an image. Pure: no I/O, findings only.
 */

/**
 * One installed package, as the package manager records it: an apk database record
 * (InstalledPackage fits as is) or an apk's .PKGINFO.
 */
export interface PackageRecord {
  readonly name: string;
  readonly version: string;
  readonly arch?: string;
  /** The license (apk database `L:`, a single .PKGINFO `license`). */
  readonly license?: string;
  /** Several .PKGINFO `license` lines (melange writes one per copyright entry); wins over license. */
  readonly licenses?: readonly string[];
}

/** One SBOM found for a package, where it was found, and what reading it gave. */
export interface FoundSbom {
  readonly origin: string;
  readonly read: SbomReadResult;
}

/** Finding codes, grouped by the check they belong to. Part of the public contract. */
export const SBOM_DOCUMENT_CODES = ['SBOM_MALFORMED', 'SBOM_UNSUPPORTED_VERSION', 'SBOM_MULTIPLE'] as const;
export const SBOM_PACKAGE_CODES = [
  'SBOM_APK_PACKAGE_MISSING',
  'SBOM_PURL_INVALID',
  'SBOM_NAME_MISMATCH',
  'SBOM_VERSION_MISMATCH',
  'SBOM_ARCH_MISMATCH',
] as const;
export const SBOM_LICENSE_CODES = ['SBOM_LICENSE_MISMATCH', 'SBOM_LICENSE_MISSING'] as const;

const NO_ASSERTION = new Set(['', 'NOASSERTION', 'NONE']);

/**
 * Compares one package record with every SBOM found for it: exactly one is expected (more is an
 * SBOM_MULTIPLE finding: which one would a consumer believe?), and each is compared in turn.
 */
export function reconcilePackageSboms(pkg: PackageRecord, sboms: readonly FoundSbom[]): Finding[] {
  const findings = sboms.flatMap((s) => reconcilePackageSbom(pkg, s.read, s.origin));
  if (sboms.length > 1) {
    const origins = sboms.map((s) => s.origin).sort();
    findings.unshift({ level: 'package', code: 'SBOM_MULTIPLE', package: pkg.name, message: `${sboms.length} SBOMs describe ${pkg.name}, expected one: ${origins.join(', ')}`, found: origins.join(', ') });
  }
  return findings;
}

/**
 * Compares one package record with an SBOM read result. The SBOM's packages that describe an apk
 * are those with a `pkg:apk/...` purl; a document without any (early melange) is matched by
 * package name instead. Each one naming this package must agree on version and (when the purl
 * says) arch; one naming another package is a mismatch; the license must be the same SPDX
 * expression (structurally: operand order and grouping do not matter).
 */
export function reconcilePackageSbom(pkg: PackageRecord, sbom: SbomReadResult, origin?: string): Finding[] {
  const base = { level: 'package' as const, package: pkg.name, ...(origin !== undefined ? { path: origin } : {}) };
  switch (sbom.kind) {
    case 'unrecognised':
      return [{ ...base, code: 'SBOM_MALFORMED', message: `the SBOM cannot be read: ${sbom.reason}` }];
    case 'unsupported-version':
      return [{ ...base, code: 'SBOM_UNSUPPORTED_VERSION', message: `${sbom.format} ${sbom.specVersion} is not a version vouch reads`, found: sbom.specVersion }];
    case 'sbom':
      break;
  }
  const findings: Finding[] = [];
  const described = apkPackagesOf(sbom.document.packages, pkg.name, findings, base);
  if (described.length === 0) {
    return [...findings, { ...base, code: 'SBOM_APK_PACKAGE_MISSING', message: `the SBOM does not describe apk package ${pkg.name}`, expected: `${pkg.name}@${pkg.version}` }];
  }
  for (const { sbomPackage, purl } of described) {
    const name = purl?.name ?? sbomPackage.name;
    const version = purl?.version ?? sbomPackage.version;
    const arch = purl?.qualifiers?.['arch'];
    if (name !== pkg.name) {
      findings.push({ ...base, code: 'SBOM_NAME_MISMATCH', message: `the SBOM describes apk ${name}, not ${pkg.name}`, expected: pkg.name, found: name });
    }
    if (version !== pkg.version) {
      findings.push({ ...base, code: 'SBOM_VERSION_MISMATCH', message: `the SBOM gives version ${version ?? '(none)'} for ${pkg.name}, the package is ${pkg.version}`, expected: pkg.version, found: version ?? '' });
    }
    if (arch !== undefined && pkg.arch !== undefined && arch !== pkg.arch) {
      findings.push({ ...base, code: 'SBOM_ARCH_MISMATCH', message: `the SBOM gives arch ${arch} for ${pkg.name}, the package is ${pkg.arch}`, expected: pkg.arch, found: arch });
    }
    findings.push(...licenseFindings(pkg, sbomPackage, base));
  }
  return dedupe(findings);
}

interface DescribedPackage {
  readonly sbomPackage: SbomPackage;
  readonly purl?: PackageURL;
}

function apkPackagesOf(packages: readonly SbomPackage[], name: string, findings: Finding[], base: Omit<Finding, 'code' | 'message'>): DescribedPackage[] {
  const withApkPurl: DescribedPackage[] = [];
  for (const p of packages) {
    const locators = [p.purl, ...p.externalRefs.filter((r) => r.type === 'purl').map((r) => r.locator)].filter((l): l is string => l !== undefined);
    const apk = [...new Set(locators)].find((l) => l.startsWith('pkg:apk/'));
    if (apk === undefined) continue;
    try {
      withApkPurl.push({ sbomPackage: p, purl: PackageURL.fromString(apk) });
    } catch (err) {
      findings.push({ ...base, code: 'SBOM_PURL_INVALID', message: `SBOM package ${p.id} has an unreadable purl: ${(err as Error).message}`, found: apk });
    }
  }
  if (withApkPurl.length > 0) return withApkPurl;
  // Early melange SBOMs carry no purl: the package of the same name is the apk.
  return packages.filter((p) => p.name === name && p.purpose !== 'OPERATING-SYSTEM').map((sbomPackage) => ({ sbomPackage }));
}

function licenseFindings(pkg: PackageRecord, p: SbomPackage, base: Omit<Finding, 'code' | 'message'>): Finding[] {
  const declared = [p.licenseDeclared, p.licenseConcluded].map((l) => l?.trim() ?? '').find((l) => !NO_ASSERTION.has(l.toUpperCase()));
  const installed = licensesOf(pkg);
  if (declared === undefined && installed.length === 0) return [];
  const expected = installed.join(' AND ');
  if (declared === undefined) {
    return [{ ...base, code: 'SBOM_LICENSE_MISSING', message: `the package declares license ${expected} but the SBOM makes no license assertion`, expected, found: p.licenseDeclared ?? '' }];
  }
  if (installed.length === 0) {
    return [{ ...base, code: 'SBOM_LICENSE_MISMATCH', message: `the SBOM declares license ${declared} but the package declares none`, expected: '', found: declared }];
  }
  if (licensesAgree(installed, declared)) return [];
  return [{ ...base, code: 'SBOM_LICENSE_MISMATCH', message: `the SBOM declares license ${declared}, the package ${expected}`, expected, found: declared }];
}

function licensesOf(pkg: PackageRecord): string[] {
  const lines = pkg.licenses ?? (pkg.license !== undefined ? [pkg.license] : []);
  return lines.map((l) => l.trim()).filter((l) => l !== '');
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify([f.code, f.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
