import type { RunContext } from '../../context.js';
import type { Check, SignatureEvidence } from '../../evidence/index.js';
import { isHttpUrl } from '../../sources/apk/fetch.js';
import type { ApkContents } from '../../sources/apk/read-apk.js';
import type { ApkKeyring } from './keyring.js';
import { indexChecksumCheck, listedVersions, listPackage, pickRecord } from './repository.js';
import type { RepositoryOptions } from './repository.js';

/**
 * With --repository, a target that is a path or URL (it has a `/`, or ends in `.apk`) is a
 * package file to check against the repository; anything else is a package name to look up.
 * Existence on disk is deliberately not asked: a name must not turn into a file because a file
 * of that name happens to lie in the working directory.
 */
export function isPackageFileTarget(target: string): boolean {
  return isHttpUrl(target) || target.includes('/') || target.endsWith('.apk');
}

/** What checking a package file against a repository adds to its Evidence. */
export interface IndexedEvidence {
  readonly checks: Check[];
  readonly signatures: SignatureEvidence[];
}

/**
 * A package file (or URL) checked against a repository's signed index: the index must list this
 * very package (its .PKGINFO name and version, for the arch) with the file's C: checksum and S:
 * size, as if it had been pulled by name. A signed package that the repository does not publish
 * (withdrawn, another build of the same version, an older version under a newer file name) fails
 * here although its own signature verifies: that is the point of asking the repository.
 */
export async function checkFileAgainstRepository(
  apk: ApkContents,
  options: RepositoryOptions,
  repository: string,
  keyring: ApkKeyring,
  ctx: RunContext,
): Promise<IndexedEvidence> {
  const id = 'apk.index.checksum';
  if (!apk.control.pkginfo.ok) {
    // Nothing names the package, so nothing can be looked up: the check fails, never skips.
    return { checks: [{ id, status: 'fail', code: 'APK_INDEX_NOT_LISTED', message: 'the package has no readable .PKGINFO: there is no name to look up in the repository index' }], signatures: [] };
  }
  const { pkgname, pkgver } = apk.control.pkginfo.info;
  const listing = await listPackage(pkgname, options, repository, keyring, ctx);
  const listed = listing.index.contents.matches;
  const record = pickRecord(listed, options.arch, pkgver);
  const checks = [...listing.checks];
  if (record === undefined) {
    const known = listedVersions(listed, options.arch);
    checks.push({
      id,
      status: 'fail',
      code: 'APK_INDEX_NOT_LISTED',
      message: `the index ${listing.location} does not list ${pkgname}-${pkgver} for ${options.arch}${known.total > 0 ? ` (it lists ${known.text})` : ''}`,
      expected: `${pkgname}=${pkgver}`,
      details: { index: listing.location, versions: known.shown, listed: known.total },
    });
  } else {
    checks.push(indexChecksumCheck(record, apk));
  }
  return { checks, signatures: [...listing.index.signatures] };
}
