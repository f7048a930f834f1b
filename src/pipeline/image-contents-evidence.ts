import type { Check, InventoryEvidence, SbomEvidence } from '../evidence/index.js';
import type { ImageContents } from '../inventory/image-contents.js';
import type { LayerSummary } from '../inventory/image-inventory.js';
import type { ReadSbom } from '../reconcile/types.js';
import { toSbomDocumentEvidence } from '../sbom/index.js';

const byName = <T extends { name: string; version?: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : (a.version ?? '') < (b.version ?? '') ? -1 : (a.version ?? '') > (b.version ?? '') ? 1 : 0;

export function inventoryEvidence(contents: ImageContents, layers: readonly LayerSummary[]): InventoryEvidence {
  const { inventory } = contents;
  return {
    source: inventory.databasePath ?? 'image layers (no apk database)',
    packages: inventory.packages
      .map((p) => ({
        name: p.name,
        version: p.version,
        ...(p.arch !== undefined && { arch: p.arch }),
        ...(p.license !== undefined && { license: p.license }),
        ...(p.origin !== undefined && { origin: p.origin }),
        ...(p.commit !== undefined && { commit: p.commit }),
        ...(p.checksum !== undefined && { checksum: p.checksum }),
        files: p.files.length,
      }))
      .sort(byName),
    fileCount: inventory.files.size,
    layers: layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size, files: l.files })),
  };
}

/** Every SBOM read for the image (embedded per-package ones, verified attestations), each by origin. */
export function sbomEvidence(sboms: readonly ReadSbom[]): SbomEvidence {
  const documents = sboms.flatMap((s) => (s.result.kind === 'sbom' ? [toSbomDocumentEvidence(s.origin, s.result.document)] : []));
  if (documents.length > 0) return { status: 'present', documents };
  return { status: sboms.length > 0 ? 'invalid' : 'absent', documents: [] };
}


/**
 * Checks about what is installed: the apk database and the embedded SBOMs could be read. The
 * check ids start with the subject kind (image.apk-db, rootfs.apk-db).
 */
export function contentChecks(contents: ImageContents, kind: 'image' | 'rootfs' = 'image'): Check[] {
  const checks: Check[] = [];
  const { inventory, databaseProblems, sboms, oversized } = contents;
  if (oversized.length > 0) {
    checks.push({ id: `${kind}.contents.size`, status: 'fail', code: 'DOCUMENT_TOO_LARGE', message: `${oversized.length} database or SBOM file(s) exceed the document size cap and were not read`, details: { paths: oversized } });
  }
  if (inventory.databasePath === undefined) {
    checks.push({ id: `${kind}.apk-db`, status: 'absent', code: 'APK_DB_ABSENT', message: `the ${kind === 'image' ? 'image' : 'root filesystem'} has no apk database (lib/apk/db/installed)` });
  } else if (databaseProblems.length > 0) {
    checks.push({
      id: `${kind}.apk-db`,
      status: 'fail',
      code: 'APK_DB_MALFORMED',
      message: `${databaseProblems.length} problem(s) in ${inventory.databasePath}`,
      details: { problems: databaseProblems.slice(0, 50) },
    });
  } else {
    checks.push({ id: `${kind}.apk-db`, status: 'pass', code: 'APK_DB_READ', message: `${inventory.packages.length} package(s) in ${inventory.databasePath}` });
  }
  const unreadable = sboms.filter((s) => s.result.kind !== 'sbom');
  if (sboms.length === 0) {
    checks.push({ id: `${kind}.sbom.embedded`, status: 'absent', code: 'SBOM_ABSENT', message: 'no embedded SBOMs under var/lib/db/sbom/' });
  } else if (unreadable.length > 0) {
    checks.push({
      id: `${kind}.sbom.embedded`,
      status: 'fail',
      code: 'SBOM_UNREADABLE',
      message: `${unreadable.length} of ${sboms.length} embedded SBOM(s) could not be read`,
      details: { paths: unreadable.map((s) => s.path) },
    });
  } else {
    checks.push({ id: `${kind}.sbom.embedded`, status: 'pass', code: 'SBOM_READ', message: `${sboms.length} embedded SBOM(s) read` });
  }
  return checks;
}
