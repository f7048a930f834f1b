/**
 * Path rules for entries of an apk (or any archive vouch reads): never trust a name from the
 * input. apk-tools installs data entries relative to the root; a name that is absolute or climbs
 * out with `..` would write outside it, so such an entry is reported, never used as a path.
 */

/** Why an archive entry name is unsafe, or undefined when it is a plain relative path. */
export function unsafePathReason(name: string): string | undefined {
  if (name === '') return 'empty path';
  if (name.includes('\0')) return 'NUL byte in path';
  if (name.startsWith('/')) return 'absolute path';
  // Split only when ".." occurs at all (rare): this runs for every entry of every package.
  if (name.includes('..') && name.split('/').some((part) => part === '..')) return 'path climbs out of the root with ".."';
  return undefined;
}

/** Normalises a safe entry name: no leading "./", no trailing "/". */
export function normaliseEntryPath(name: string): string {
  let path = name;
  while (path.startsWith('./')) path = path.slice(2);
  while (path.endsWith('/') && path.length > 1) path = path.slice(0, -1);
  return path;
}
