import type { Finding, ProvenanceEvidence } from '../evidence/types.js';
import type { SbomPackage } from '../sbom/model.js';
import { purlOf } from '../sbom/purl.js';
import type { ParsedPurl } from '../sbom/purl.js';
import { PROVENANCE_CODES } from './codes.js';
import type { PackageSbom } from './packages.js';

/**
 * Provenance level. melange records the build configuration as a package whose purl is
 * pkg:github/<org>/<repo>@<commit>#<path>.yaml, and each upstream source with its checksum. The
 * configuration commit must be the database's c: commit; when verified provenance of the build is
 * given, its source must be that repository at that commit and its materials must include every
 * recorded source checksum. Unverified provenance is never compared: its claims prove nothing.
 */
export function reconcileProvenance(sboms: readonly PackageSbom[], provenance: readonly ProvenanceEvidence[] | undefined, single: boolean, findings: Finding[]): void {
  for (const p of provenance ?? []) {
    if (!p.verified) findings.push({ level: 'provenance', code: PROVENANCE_CODES.PROVENANCE_UNVERIFIED, path: p.attestation, message: `provenance ${p.attestation} is not verified; it was not compared`, expected: 'verified', found: 'unverified' });
  }
  const verified = (provenance ?? []).filter((p) => p.verified);
  for (const { pkg, origin, document } of sboms) {
    const base = { level: 'provenance' as const, package: pkg.name, path: origin };
    const config = buildConfig(document.packages);
    const applicable = verified.filter((p) => single || p.subjects.some((s) => s.name?.includes(`${pkg.name}-${pkg.version}`)));
    if (!config) {
      if (applicable.length > 0) findings.push({ ...base, code: PROVENANCE_CODES.SBOM_BUILD_CONFIG_MISSING, message: `the SBOM of ${pkg.name} names no build configuration to compare the provenance with`, expected: 'pkg:github/<org>/<repo>@<commit>#<path>.yaml', found: 'none' });
      continue;
    }
    const commit = config.purl.version ?? '';
    if (pkg.commit !== undefined && pkg.commit !== '' && pkg.commit.toLowerCase() !== commit.toLowerCase()) {
      findings.push({ ...base, code: PROVENANCE_CODES.BUILD_CONFIG_COMMIT_MISMATCH, message: `${pkg.name} was built from commit ${commit} per its SBOM, the database says ${pkg.commit}`, expected: pkg.commit, found: commit });
    }
    for (const p of applicable) compareProvenance(p, config, document.packages, base, findings);
  }
}

interface Config {
  readonly pkg: SbomPackage;
  readonly purl: ParsedPurl;
}

/** The build-configuration package: a pkg:github purl whose subpath is a .yaml file. */
export function buildConfig(packages: readonly SbomPackage[]): Config | undefined {
  for (const pkg of packages) {
    const purl = purlOf(pkg.purl);
    if (purl?.type === 'github' && purl.subpath !== undefined && /\.ya?ml$/.test(purl.subpath)) return { pkg, purl };
  }
  return undefined;
}

type Base = Pick<Finding, 'level' | 'package' | 'path'>;

function compareProvenance(p: ProvenanceEvidence, config: Config, packages: readonly SbomPackage[], base: Base, findings: Finding[]): void {
  const repo = `${config.purl.namespace ?? ''}/${config.purl.name}`.toLowerCase();
  const sourceRepo = githubRepo(p.source.uri);
  if (sourceRepo !== repo) {
    findings.push({ ...base, code: PROVENANCE_CODES.PROVENANCE_SOURCE_MISMATCH, message: `provenance ${p.attestation} builds from ${p.source.uri ?? '(no source)'}, the SBOM's configuration is github.com/${repo}`, expected: `github.com/${repo}`, found: p.source.uri ?? 'none' });
  }
  const commit = (config.purl.version ?? '').toLowerCase();
  const digests = Object.values(p.source.digest ?? {}).map((d) => d.toLowerCase());
  if (!digests.includes(commit)) {
    findings.push({ ...base, code: PROVENANCE_CODES.PROVENANCE_COMMIT_MISMATCH, message: `provenance ${p.attestation} names source commit ${digests.join(', ') || '(none)'}, the SBOM's configuration is at ${commit}`, expected: commit, found: digests.join(', ') || 'none' });
  }
  const materialDigests = new Set<string>();
  for (const m of p.materials ?? []) for (const [alg, value] of Object.entries(m.digest ?? {})) materialDigests.add(`${normaliseAlg(alg)}:${value.toLowerCase()}`);
  for (const source of packages.filter((s) => s.purpose === 'SOURCE')) {
    for (const c of source.checksums) {
      const key = `${normaliseAlg(c.algorithm)}:${c.value}`;
      if (materialDigests.has(key)) continue;
      findings.push({ ...base, code: PROVENANCE_CODES.PROVENANCE_MATERIAL_MISSING, message: `source ${source.name} ${source.version ?? ''} (${key}) is not among the materials of ${p.attestation}`, expected: key, found: 'not in materials' });
    }
  }
}

/** "org/repo" of a GitHub URI in any of the spellings provenance uses (git+https, https, ssh). */
function githubRepo(uri: string | undefined): string | undefined {
  const m = uri === undefined ? null : /github\.com[/:]([^/]+)\/([^/@#?]+?)(?:\.git)?(?:[/@#?]|$)/i.exec(uri);
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : undefined;
}

function normaliseAlg(alg: string): string {
  return alg.toLowerCase().replace(/[-_]/g, '');
}
