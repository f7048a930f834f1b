/**
 * `vouch rootfs`: audit a root filesystem (an unpacked image, a `docker export` tar, a
 * container's root mounted for inspection) against its own apk database and the SBOMs embedded
 * in it, with the reconciliation images get: every owned file present with its recorded checksum
 * and mode, every other file reported as unowned, every SBOM held against the database. Nothing
 * is signed here, so the subject is judged on its contents; the policies decide what passes.
 */
import type { RunContext } from '../context.js';
import { VouchError } from '../errors.js';
import { assembleEvidence } from '../evidence/index.js';
import type { Check, Evidence, InventoryEvidence } from '../evidence/index.js';
import { readImageContents } from '../inventory/image-contents.js';
import type { ImageContents } from '../inventory/image-contents.js';
import { readRootfsFilesystem } from '../inventory/rootfs-filesystem.js';
import type { RootfsFilesystem } from '../inventory/rootfs-filesystem.js';
import { reconcile } from '../reconcile/index.js';
import { openRootfs } from '../sources/rootfs/index.js';
import type { RootfsSource } from '../sources/rootfs/index.js';
import { contentChecks, inventoryEvidence, sbomEvidence } from './image-contents-evidence.js';
import { DEFAULT_LIMITS } from './options.js';
import type { RootfsOptions } from './options.js';
import { toolVersion } from './tool-version.js';

/** Special files named in the walk check's details, at most (the rest are counted). */
const LISTED_SPECIAL_FILES = 50;

export async function collectRootfsEvidence(options: RootfsOptions, ctx: RunContext): Promise<Evidence> {
  const { limits } = options;
  const source = await openRootfs(options.target, ctx.signal);
  ctx.log.debug(`reading ${source.kind} ${source.path}`);
  const fs = await readRootfsFilesystem(source, limits, ctx);
  const read = readImageContents(fs);
  const contents: ImageContents = { ...read, inventory: { ...read.inventory, kind: 'rootfs' } };
  const packageSboms = contents.sboms.map((s) => ({ origin: s.path, result: s.result }));
  const reconciliation = reconcile({ inventory: contents.inventory, databaseProblems: contents.databaseProblems, packageSboms }).evidence;
  const maxFindings = limits.maxFindings ?? (DEFAULT_LIMITS.maxFindings as number);
  if (reconciliation.findings.length > maxFindings) {
    throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `the root filesystem has ${reconciliation.findings.length} reconciliation findings, more than ${maxFindings} (raise with --max-findings)`, details: { limit: maxFindings, flag: '--max-findings', count: reconciliation.findings.length } });
  }
  const { layers: _layers, ...listed }: InventoryEvidence = inventoryEvidence(contents, []);
  const inventory: InventoryEvidence = { ...listed, source: contents.inventory.databasePath ?? 'root filesystem (no apk database)' };
  return assembleEvidence({
    toolVersion: toolVersion(),
    collectedAt: ctx.now.toISOString(),
    subject: { kind: 'rootfs', reference: options.target, digest: fs.digest, ...(source.kind === 'tar' && { size: source.tar.size }) },
    checks: [walkCheck(source, fs), ...contentChecks(contents, 'rootfs')],
    signatures: [],
    attestations: [],
    provenance: [],
    sbom: sbomEvidence(packageSboms),
    inventory,
    reconciliation,
    expectations: {},
    warnings: [],
  });
}

/**
 * What was read. A mount point the walk did not enter fails the check: vouch did not see what
 * is there, so it cannot say the root holds nothing unowned.
 */
function walkCheck(source: RootfsSource, fs: RootfsFilesystem): Check {
  const counts = { files: 0, directories: 0, symlinks: 0, hardlinks: 0, special: 0 };
  const special: string[] = [];
  for (const f of fs.table.files.values()) {
    switch (f.type) {
      case 'file':
        counts.files++;
        break;
      case 'dir':
        counts.directories++;
        break;
      case 'symlink':
        counts.symlinks++;
        break;
      case 'hardlink':
        counts.hardlinks++;
        break;
      case 'other':
        counts.special++;
        special.push(f.path);
        break;
    }
  }
  const details = { source: source.kind, ...counts, specialFiles: special.sort().slice(0, LISTED_SPECIAL_FILES) };
  const what = `${fs.table.files.size} paths of the ${source.kind === 'tar' ? 'tar' : 'directory'} ${source.path} (${counts.special} special file(s) reported, not read; symbolic links not followed)`;
  if (fs.mountPoints.length > 0) {
    return { id: 'rootfs.read', status: 'fail', code: 'ROOTFS_MOUNT_NOT_READ', message: `${fs.mountPoints.length} directory(ies) of ${source.path} are mount points of other file systems and were not read: ${fs.mountPoints.slice(0, 5).join(', ')}`, details: { ...details, mountPoints: [...fs.mountPoints].sort() } };
  }
  return { id: 'rootfs.read', status: 'pass', code: 'ROOTFS_READ', message: `read ${what}`, details };
}
