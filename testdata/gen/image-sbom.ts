import type { PlatformImage } from './apko-image.js';
import { IMAGE_REPOSITORY } from './apko-image.js';
import type { SpdxDocument } from './melange-sbom.js';
import { DISTRO, SUPPLIER } from './packages.js';
import { BUILD_TIME } from './util.js';

/**
 * The image SBOM apko writes for one platform (pkg/sbom/generator/spdx): the image and its layer
 * as CONTAINER packages, the operating system, and for each installed package the elements of
 * its embedded melange SBOM, each package CONTAINed by the image.
 */
const hexOf = (digest: string): string => digest.slice('sha256:'.length);

export function imageSbom(image: PlatformImage, packageSboms: readonly SpdxDocument[]): SpdxDocument {
  const imageId = `SPDXRef-Package-Image-sha256-${hexOf(image.manifest.digest)}`;
  const layerId = `SPDXRef-Package-ImageLayer-sha256-${hexOf(image.layer.digest)}`;
  const q = (mediaType: string) => `?arch=${image.arch.oci}&mediaType=${encodeURIComponent(mediaType)}&os=linux`;
  const packages: Record<string, unknown>[] = [
    {
      SPDXID: imageId,
      name: image.manifest.digest,
      versionInfo: image.manifest.digest,
      filesAnalyzed: false,
      description: 'apko container image',
      downloadLocation: 'NOASSERTION',
      supplier: SUPPLIER,
      primaryPackagePurpose: 'CONTAINER',
      checksums: [{ algorithm: 'SHA256', checksumValue: hexOf(image.manifest.digest) }],
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceLocator: `pkg:oci/hello@${image.manifest.digest}${q(image.manifest.mediaType)}`, referenceType: 'purl' },
      ],
    },
    {
      SPDXID: layerId,
      name: image.layer.digest,
      versionInfo: '2025.06',
      filesAnalyzed: false,
      description: 'apko operating system layer',
      downloadLocation: 'NOASSERTION',
      supplier: SUPPLIER,
      primaryPackagePurpose: 'CONTAINER',
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceLocator: `pkg:oci/hello@${image.layer.digest}${q(image.layer.mediaType)}`, referenceType: 'purl' },
      ],
    },
    {
      SPDXID: `SPDXRef-OperatingSystem-${DISTRO}`,
      name: DISTRO,
      versionInfo: '2025.06',
      filesAnalyzed: false,
      description: 'Operating System',
      downloadLocation: 'NOASSERTION',
      supplier: SUPPLIER,
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    },
  ];
  const relationships: Record<string, unknown>[] = [{ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: layerId }];
  for (const doc of packageSboms) {
    const describedIds = (doc['documentDescribes'] as string[] | undefined) ?? [];
    for (const p of doc.packages) if (p['SPDXID'] !== 'SPDXRef-OperatingSystem') packages.push(p);
    relationships.push(...doc.relationships);
    for (const id of describedIds) relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  }
  return {
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `sbom-${image.layer.digest}`,
    spdxVersion: 'SPDX-2.3',
    creationInfo: { created: BUILD_TIME, creators: ['Tool: apko (v0.20.0)', 'Organization: vouch-sample'], licenseListVersion: '3.27' },
    dataLicense: 'CC0-1.0',
    documentNamespace: `https://spdx.org/spdxdocs/apko/${IMAGE_REPOSITORY}/${hexOf(image.manifest.digest)}`,
    documentDescribes: [imageId],
    packages,
    relationships,
  };
}
