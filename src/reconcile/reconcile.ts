import type { Finding, ReconciliationEvidence, ReconciliationLevel } from '../evidence/types.js';
import { FILE_CODES, MISMATCH_CODES, PACKAGE_CODES } from './codes.js';
import { reconcileOwnedFiles } from './files.js';
import { reconcilePackages } from './packages.js';
import { buildPathIndex } from './path-index.js';
import { reconcileProvenance } from './provenance.js';
import { reconcileSbomFiles } from './sbom-files.js';
import type { ReconcileInput, ReconcileResult } from './types.js';

/**
 * Does the compile-time SBOM tell the truth about what is installed? Holds the apk database, the
 * per-package and image SBOMs and (when given) verified provenance against the image's files, at
 * three levels (package, file, provenance), and reports every disagreement as a finding with a
 * stable code, the package, the path, and what was expected and found. Pure: no I/O, no clock.
 *
 * The index is built once; every comparison is a map lookup, so the cost is linear in the number
 * of owned paths plus image files.
 */
export function reconcile(input: ReconcileInput): ReconcileResult {
  const { inventory } = input;
  const findings: Finding[] = [];
  const options = input.options ?? {};
  const index = buildPathIndex(inventory.packages, inventory.files);
  if (inventory.packages.length === 0 && inventory.databasePath === undefined && (input.databaseProblems ?? []).length === 0) {
    findings.push({ level: 'package', code: PACKAGE_CODES.DB_ABSENT, message: 'no apk database: nothing says which package owns which file', expected: 'lib/apk/db/installed', found: 'absent' });
  }
  const sboms = reconcilePackages(input, index, findings);
  const counts = reconcileOwnedFiles(index, inventory, options, findings);
  for (const s of sboms) {
    const c = reconcileSbomFiles(s.document, s.origin, s.pkg.name, index, findings);
    counts.matched += c.matched;
    counts.missing += c.missing;
  }
  for (const s of input.imageSboms ?? []) {
    if (s.result.kind !== 'sbom') continue;
    const c = reconcileSbomFiles(s.result.document, s.origin, undefined, index, findings);
    counts.matched += c.matched;
    counts.missing += c.missing;
  }
  reconcileProvenance(sboms, input.provenance, inventory.packages.length === 1, findings);
  const sorted = sortFindings(findings);
  const mismatched = sorted.filter((f) => MISMATCH_CODES.has(f.code) || (f.level !== 'file' && f.code !== FILE_CODES.FILE_UNOWNED)).length;
  const evidence: ReconciliationEvidence = {
    summary: { matched: counts.matched, missing: counts.missing, unowned: counts.unowned, modified: counts.modified, mismatched },
    findings: sorted,
  };
  return { evidence };
}

const LEVEL_ORDER: Readonly<Record<ReconciliationLevel, number>> = { package: 0, file: 1, provenance: 2 };

/** Sorted by (level, code, package, path), as the Evidence contract says, and without duplicates. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => JSON.stringify([f.level, f.code, f.package ?? '', f.path ?? '', f.message, f.expected ?? '', f.found ?? '']);
  const unique = new Map<string, Finding>();
  for (const f of findings) unique.set(key(f), f);
  return [...unique.values()].sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      cmp(a.code, b.code) ||
      cmp(a.package ?? '', b.package ?? '') ||
      cmp(a.path ?? '', b.path ?? '') ||
      cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
