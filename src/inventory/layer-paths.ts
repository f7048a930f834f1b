import { VouchError } from '../errors.js';

/**
 * Normalises a tar entry name to a root-relative path. Absolute names and ".." components are
 * refused outright: a layer that tries to climb out of the root is hostile, not sloppy.
 */
export function normaliseEntryPath(name: string, what: string): string {
  if (name.startsWith('/')) throw malformed(`${what}: absolute path ${JSON.stringify(name.slice(0, 200))}`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw malformed(`${what}: path with ".." ${JSON.stringify(name.slice(0, 200))}`);
    if (part.includes('\0')) throw malformed(`${what}: path with a NUL byte`);
    parts.push(part);
  }
  return parts.join('/');
}

/** Link targets of hard links are paths inside the image and follow the same rule. */
export function normaliseHardlinkTarget(target: string, what: string): string {
  return normaliseEntryPath(target.replace(/^\/+/, ''), what);
}

export type Whiteout = { readonly kind: 'opaque'; readonly dir: string } | { readonly kind: 'remove'; readonly path: string };

/** OCI whiteouts: ".wh..wh..opq" hides a directory's lower contents, ".wh.<name>" deletes <name>. */
export function whiteoutOf(path: string): Whiteout | undefined {
  const slash = path.lastIndexOf('/');
  const dir = slash >= 0 ? path.slice(0, slash) : '';
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  if (base === '.wh..wh..opq') return { kind: 'opaque', dir };
  if (base.startsWith('.wh.')) {
    const name = base.slice(4);
    if (name === '' || name === '.' || name === '..') throw malformed(`invalid whiteout ${JSON.stringify(path)}`);
    return { kind: 'remove', path: dir ? `${dir}/${name}` : name };
  }
  return undefined;
}

export function isUnder(path: string, dir: string): boolean {
  return dir === '' ? path !== '' : path.startsWith(`${dir}/`);
}

function malformed(message: string): VouchError {
  return new VouchError({ code: 'INPUT_MALFORMED', message });
}
