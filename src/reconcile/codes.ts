/**
 * Stable finding codes of the reconciliation (part of the public contract, listed in
 * docs/sbom.md). Package-level comparisons of one record with one SBOM reuse the codes of
 * package-sbom.ts (SBOM_NAME_MISMATCH, SBOM_VERSION_MISMATCH, ...).
 */
export const PACKAGE_CODES = {
  /** The image has files but no apk database to say who owns them. */
  DB_ABSENT: 'DB_ABSENT',
  /** A database record could not be read (the line and reason are in the message). */
  DB_RECORD_MALFORMED: 'DB_RECORD_MALFORMED',
  /** An installed package carries no SBOM under var/lib/db/sbom/. */
  PACKAGE_SBOM_MISSING: 'PACKAGE_SBOM_MISSING',
  /** An installed package owns more than one SBOM. */
  PACKAGE_SBOM_MULTIPLE: 'PACKAGE_SBOM_MULTIPLE',
  /** An SBOM the package owns is present but was not handed to the reconciliation. */
  PACKAGE_SBOM_NOT_READ: 'PACKAGE_SBOM_NOT_READ',
  /** An SBOM describes an apk package that is not installed (or an SBOM file no package owns). */
  SBOM_PACKAGE_NOT_INSTALLED: 'SBOM_PACKAGE_NOT_INSTALLED',
  /** An SBOM document was read but has validation issues. */
  SBOM_INVALID: 'SBOM_INVALID',
  /** The image SBOM does not list an installed package. */
  IMAGE_SBOM_PACKAGE_MISSING: 'IMAGE_SBOM_PACKAGE_MISSING',
} as const;

export const FILE_CODES = {
  /** A file or directory the database says a package owns is not in the image. */
  FILE_MISSING: 'FILE_MISSING',
  /** An owned file's content differs from its Z: checksum. */
  FILE_MODIFIED: 'FILE_MODIFIED',
  /** An owned file's permission bits differ from the database's a:/M: (or apk's defaults). */
  FILE_MODE_MISMATCH: 'FILE_MODE_MISMATCH',
  /** An owned file's uid:gid differ (only when ownership checks are asked for). */
  FILE_OWNER_MISMATCH: 'FILE_OWNER_MISMATCH',
  /** An owned path is present as another kind of entry (a directory where a file belongs, ...). */
  FILE_TYPE_MISMATCH: 'FILE_TYPE_MISMATCH',
  /** An owned file has a Z: checksum but the inventory holds no digest to compare it with. */
  FILE_UNVERIFIABLE: 'FILE_UNVERIFIABLE',
  /** A file in the image that no package owns (the policy's allow-list decides which are fine). */
  FILE_UNOWNED: 'FILE_UNOWNED',
  /** Two packages claim the same path. */
  FILE_OWNED_TWICE: 'FILE_OWNED_TWICE',
  /** A file an SBOM lists is not in the image. */
  SBOM_FILE_MISSING: 'SBOM_FILE_MISSING',
  /** A file an SBOM lists has other content than its SBOM checksum. */
  SBOM_FILE_MODIFIED: 'SBOM_FILE_MODIFIED',
  /** An SBOM file checksum uses no algorithm the inventory has a digest for. */
  SBOM_FILE_UNVERIFIABLE: 'SBOM_FILE_UNVERIFIABLE',
} as const;

export const PROVENANCE_CODES = {
  /** The melange SBOM names no build configuration (pkg:github/<org>/<repo>@<commit>#<path>.yaml). */
  SBOM_BUILD_CONFIG_MISSING: 'SBOM_BUILD_CONFIG_MISSING',
  /** The SBOM's build-configuration commit differs from the database's c: commit. */
  BUILD_CONFIG_COMMIT_MISMATCH: 'BUILD_CONFIG_COMMIT_MISMATCH',
  /** Provenance was given but is not verified: its claims are not used. */
  PROVENANCE_UNVERIFIED: 'PROVENANCE_UNVERIFIED',
  /** The provenance's source repository is not the SBOM's build-configuration repository. */
  PROVENANCE_SOURCE_MISMATCH: 'PROVENANCE_SOURCE_MISMATCH',
  /** The provenance's source commit is not the SBOM's build-configuration commit. */
  PROVENANCE_COMMIT_MISMATCH: 'PROVENANCE_COMMIT_MISMATCH',
  /** An upstream source the SBOM records (with its checksum) is not among the provenance materials. */
  PROVENANCE_MATERIAL_MISSING: 'PROVENANCE_MATERIAL_MISSING',
} as const;

/** Package-level codes that count as "mismatched" in the summary. */
export const MISMATCH_CODES: ReadonlySet<string> = new Set([
  'SBOM_NAME_MISMATCH', 'SBOM_VERSION_MISMATCH', 'SBOM_ARCH_MISMATCH', 'SBOM_PURL_INVALID', 'SBOM_LICENSE_MISMATCH',
  'SBOM_LICENSE_MISSING', 'SBOM_APK_PACKAGE_MISSING', FILE_CODES.FILE_OWNED_TWICE, FILE_CODES.SBOM_FILE_MODIFIED,
  ...Object.values(PROVENANCE_CODES).filter((c) => c !== PROVENANCE_CODES.PROVENANCE_UNVERIFIED),
]);
