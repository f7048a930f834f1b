import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

/**
 * vouch's version, from its package.json; it goes into every Evidence. The code runs from three
 * layouts: the sources (src/pipeline/, through tsx), the compiled modules (dist/pipeline/) and the
 * CLI bundle (dist/vouch.js, dist/chunks/), so no fixed number of `..` fits all: the nearest
 * package.json above this file is the package's own (neither src/ nor dist/ has one). Without
 * one, the version reads 0.0.0 rather than stopping a verification over a label.
 */
export function toolVersion(): string {
  version ??= findVersion();
  return version;
}

function findVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pkg = readPackageJson(join(dir, 'package.json'));
    if (pkg !== undefined) return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    if (dirname(dir) === dir) return '0.0.0';
  }
}

function readPackageJson(path: string): { version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  } catch {
    return undefined;
  }
}
