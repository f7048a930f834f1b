import type { ApkArch, SamplePackage } from './packages.js';
import { DISTRO, PACKAGES_COMMIT, PACKAGES_REPO, SUPPLIER } from './packages.js';
import { BUILD_TIME, sha256hex } from './util.js';

/**
 * The SPDX 2.3 document melange embeds in every package at var/lib/db/sbom/<name>-<version>.spdx.json,
 * shaped like melange's golden files: the operating system, the apk itself (with its purl), the
 * build configuration it was DESCRIBED_BY and the upstream source it was GENERATED_FROM.
 * `filesAnalyzed` is false: melange lists no files (file truth is in the PAX checksums).
 */
export type SpdxDocument = Record<string, unknown> & { packages: Record<string, unknown>[]; relationships: Record<string, unknown>[] };

export const sbomPath = (name: string, version: string): string => `var/lib/db/sbom/${name}-${version}.spdx.json`;

export const apkPurl = (name: string, version: string, arch: string): string =>
  `pkg:apk/${DISTRO}/${name}@${version}?arch=${arch}&distro=${DISTRO}`;

/** melange escapes characters outside [A-Za-z0-9.-] in SPDX ids as C<decimal code>. */
const spdxIdPart = (s: string): string => s.replace(/[^A-Za-z0-9.-]/g, (c) => `C${c.charCodeAt(0)}`);

export interface MelangeSbomOptions {
  /** The version the SBOM claims; differs from the package's only in the "SBOM version" twin. */
  readonly claimedVersion?: string;
}

export function melangeSbom(pkg: SamplePackage, arch: ApkArch, options: MelangeSbomOptions = {}): SpdxDocument {
  const version = options.claimedVersion ?? pkg.version;
  const apkId = `SPDXRef-Package-apk-${pkg.name}-${version}`;
  const configId = `SPDXRef-Package-Melange-${spdxIdPart(pkg.config)}-${PACKAGES_COMMIT}`;
  const packages: Record<string, unknown>[] = [
    {
      SPDXID: 'SPDXRef-OperatingSystem',
      name: DISTRO,
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      description: 'Operating System',
      downloadLocation: 'NOASSERTION',
      originator: SUPPLIER,
      supplier: SUPPLIER,
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    },
    {
      SPDXID: apkId,
      name: pkg.name,
      versionInfo: version,
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: pkg.license,
      downloadLocation: 'NOASSERTION',
      originator: SUPPLIER,
      supplier: SUPPLIER,
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'APPLICATION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceLocator: apkPurl(pkg.name, version, arch), referenceType: 'purl' }],
    },
    {
      SPDXID: configId,
      name: pkg.config,
      versionInfo: PACKAGES_COMMIT,
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      originator: SUPPLIER,
      supplier: SUPPLIER,
      primaryPackagePurpose: 'INSTALL',
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceLocator: `pkg:github/${PACKAGES_REPO}@${PACKAGES_COMMIT}#${pkg.config}`, referenceType: 'purl' },
      ],
    },
  ];
  const relationships: Record<string, unknown>[] = [{ spdxElementId: apkId, relationshipType: 'DESCRIBED_BY', relatedSpdxElement: configId }];
  if (pkg.source) {
    const s = pkg.source;
    const sourceId = `SPDXRef-Package-Source-github.com-${spdxIdPart(s.repository.replace('/', '-'))}-${s.version}-${s.commit}-0`;
    packages.push({
      SPDXID: sourceId,
      name: s.name,
      versionInfo: s.version,
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: s.license,
      downloadLocation: `https://github.com/${s.repository}/archive/${s.commit}.tar.gz`,
      originator: SUPPLIER,
      supplier: SUPPLIER,
      primaryPackagePurpose: 'SOURCE',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceLocator: `pkg:github/${s.repository}@${s.version}`, referenceType: 'purl' }],
    });
    relationships.push({ spdxElementId: apkId, relationshipType: 'GENERATED_FROM', relatedSpdxElement: sourceId });
  }
  return {
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `apk-${pkg.name}-${version}`,
    spdxVersion: 'SPDX-2.3',
    creationInfo: { created: BUILD_TIME, creators: ['Tool: melange (v0.30.0)', 'Organization: vouch-sample'], licenseListVersion: '3.22' },
    dataLicense: 'CC0-1.0',
    documentNamespace: `https://spdx.org/spdxdocs/chainguard/melange/${sha256hex(`${pkg.name}-${version}-${arch}`).slice(0, 32)}`,
    documentDescribes: [apkId],
    packages,
    relationships,
  };
}
