import { readSbom } from '../sbom/index.js';
import { decodeName } from '../sources/tar/names.js';
import type { SbomReadResult } from '../sbom/index.js';
import { readInstalledDb } from './apk-db.js';
import type { InstalledDbProblem } from './apk-db.js';
import type { ImageFilesystem } from './image-inventory.js';
import type { Inventory } from './types.js';

export const APK_DB_PATHS = ['lib/apk/db/installed', 'usr/lib/apk/db/installed'] as const;
export const SBOM_DIR = 'var/lib/db/sbom/';

export interface EmbeddedSbom {
  readonly path: string;
  readonly result: SbomReadResult;
}

export interface ImageContents {
  readonly inventory: Inventory;
  /** Problems in the apk database records (malformed lines, bounds). */
  readonly databaseProblems: readonly InstalledDbProblem[];
  readonly sboms: readonly EmbeddedSbom[];
  /** Database or SBOM files too large to read under the document cap. */
  readonly oversized: readonly string[];
}

/**
 * What is installed in the squashed image: the apk database (lib/apk/db/installed, or the
 * usr/lib one Wolfi's /lib symlink points to) and the embedded SBOMs under var/lib/db/sbom/.
 */
export function readImageContents(fs: ImageFilesystem): ImageContents {
  const { table } = fs;
  const dbPath = APK_DB_PATHS.find((p) => table.files.get(p)?.type === 'file' && table.captured.has(p));
  const db = dbPath ? readInstalledDb(decodeName(table.captured.get(dbPath) as Buffer)) : undefined;
  const sboms: EmbeddedSbom[] = [...table.captured.entries()]
    .filter(([path]) => path.startsWith(SBOM_DIR))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, bytes]) => ({ path, result: readSbom(bytes) }));
  return {
    inventory: { kind: 'image', ...(dbPath ? { databasePath: dbPath } : {}), packages: db?.packages ?? [], files: table.files },
    databaseProblems: db?.problems ?? [],
    sboms,
    oversized: [...table.oversized].sort(),
  };
}
