import { isHttpUrl, repositoryPath } from './fetch.js';

/**
 * Where apk repositories keep their index, and where the packages are relative to it
 * (apk-repositories(5) of apk-tools):
 * - the standard layout: `<repository>/<arch>/APKINDEX.tar.gz`, packages in `<arch>/`;
 * - a flat repository (one folder, as `melange index` or `apk index` leave it): the index at the
 *   root and the packages beside it;
 * - a repository given as the index file itself (apk-tools 3 "ndx" repositories: a URL ending in
 *   `.tar.gz` or `.adb`): packages in the folder of the index.
 */
export type IndexLayout = 'arch' | 'flat' | 'index-file';

export interface IndexCandidate {
  readonly layout: IndexLayout;
  /** The index file (path or URL). */
  readonly index: string;
  /** The folder the packages are in (path or URL). */
  readonly base: string;
}

/** apk-tools' names for an index file: APKINDEX.tar.gz, and APKINDEX.<hash>.tar.gz in its cache. */
const INDEX_NAME = /^APKINDEX(\.[A-Za-z0-9_-]{1,64})?\.tar\.gz$/;

/** The path part of a location, without query or fragment. */
function pathOf(location: string): string {
  if (!isHttpUrl(location)) return location;
  try {
    return decodeURIComponent(new URL(location).pathname);
  } catch {
    return location;
  }
}

/** True when the location's file name is an APKINDEX file name (the user named an index). */
export function isApkIndexName(location: string): boolean {
  return INDEX_NAME.test(pathOf(location).split('/').pop() ?? '');
}

/**
 * The places to look for the index, in order: the index file itself when the repository names
 * one, else the standard layout first (what apk does) and the flat layout second.
 */
export function indexCandidates(repository: string, arch: string): IndexCandidate[] {
  if (/\.tar\.gz$/.test(pathOf(repository))) return [{ layout: 'index-file', index: repository, base: folderOf(repository) }];
  return [
    { layout: 'arch', index: repositoryPath(repository, arch, 'APKINDEX.tar.gz'), base: repositoryPath(repository, arch) },
    { layout: 'flat', index: repositoryPath(repository, 'APKINDEX.tar.gz'), base: repositoryPath(repository) },
  ];
}

/** The folder of a file path or URL (the URL's query and fragment are dropped). */
function folderOf(location: string): string {
  if (isHttpUrl(location)) {
    const u = new URL(location);
    u.search = '';
    u.hash = '';
    u.pathname = u.pathname.slice(0, u.pathname.lastIndexOf('/') + 1);
    return u.toString();
  }
  const cut = location.lastIndexOf('/');
  return cut < 0 ? '.' : cut === 0 ? '/' : location.slice(0, cut);
}
