import type { Finding } from '../evidence/types.js';
import type { SbomDocument } from '../sbom/model.js';
import { FILE_CODES } from './codes.js';
import { effectiveOwner } from './path-index.js';
import type { PathIndex } from './path-index.js';

/**
 * Where an SBOM lists files with checksums (most melange SBOMs do not: filesAnalyzed false; some
 * do, e.g. tzdata's), each listed file must be in the image with that content. Digests the
 * inventory holds (sha1, sha256) are compared; a file listed only with other algorithms cannot be
 * checked, which is said rather than passed.
 */
export function reconcileSbomFiles(doc: SbomDocument, origin: string, owner: string | undefined, index: PathIndex, findings: Finding[]): { matched: number; missing: number } {
  const counts = { matched: 0, missing: 0 };
  const packageNames = new Map(doc.packages.map((p) => [p.id, p.name]));
  for (const f of doc.files) {
    if (f.checksums.length === 0 || f.path === '') continue;
    // A file another package replaced (apk's r:) is that package's now; its own records apply.
    const current = effectiveOwner(index.owners.get(f.path) ?? []);
    if (owner !== undefined && current !== undefined && current.pkg.name !== owner) continue;
    const pkg = owner ?? (f.packageId !== undefined ? packageNames.get(f.packageId) : undefined);
    const base = { level: 'file' as const, path: f.path, ...(pkg !== undefined ? { package: pkg } : {}) };
    const entry = index.lookup(f.path);
    if (!entry) {
      counts.missing++;
      findings.push({ ...base, code: FILE_CODES.SBOM_FILE_MISSING, message: `${f.path} is listed in ${origin} but not in the image`, expected: `${f.checksums[0]?.algorithm}:${f.checksums[0]?.value}`, found: 'absent' });
      continue;
    }
    const comparable = f.checksums.filter((c) => (c.algorithm === 'sha1' || c.algorithm === 'sha256') && entry.file[c.algorithm] !== undefined);
    if (comparable.length === 0) {
      findings.push({ ...base, code: FILE_CODES.SBOM_FILE_UNVERIFIABLE, message: `${f.path}: ${origin} gives no checksum the inventory can compare (${f.checksums.map((c) => c.algorithm).join(', ')})`, expected: f.checksums.map((c) => c.algorithm).join(', '), found: 'no comparable digest' });
      continue;
    }
    const wrong = comparable.find((c) => entry.file[c.algorithm as 'sha1' | 'sha256'] !== c.value);
    if (wrong) {
      findings.push({ ...base, code: FILE_CODES.SBOM_FILE_MODIFIED, message: `${f.path} differs from its checksum in ${origin}`, expected: `${wrong.algorithm}:${wrong.value}`, found: `${wrong.algorithm}:${entry.file[wrong.algorithm as 'sha1' | 'sha256'] ?? ''}` });
      continue;
    }
    counts.matched++;
  }
  return counts;
}
