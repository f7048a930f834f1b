import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where vouch's own files are (package.json, policies/). The code runs from three layouts: the
 * sources (src/pipeline/, through tsx), the compiled modules (dist/pipeline/) and the single-file
 * CLI bundle (dist/vouch.js), so no fixed number of `..` fits all; walk up to the nearest
 * package.json that names this package instead.
 */
let root: { dir: string; version: string } | undefined;

function findRoot(): { dir: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = readPackageJson(join(dir, 'package.json'));
    if (pkg?.name === 'vouch') return { dir, version: typeof pkg.version === 'string' ? pkg.version : '0.0.0' };
    const up = dirname(dir);
    if (up === dir) throw new Error('vouch: cannot find its package.json above its own code');
    dir = up;
  }
}

function readPackageJson(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/** The package's root folder (holds package.json and policies/). */
export function packageRoot(): string {
  root ??= findRoot();
  return root.dir;
}

/** vouch's version, from its package.json; it goes into every Evidence. */
export function toolVersion(): string {
  root ??= findRoot();
  return root.version;
}
