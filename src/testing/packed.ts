import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, runProcess } from './cli.js';
import type { CliResult } from './cli.js';

/**
 * The package as users get it: `npm pack` of the built tree, installed into an empty folder with
 * production dependencies only, without network. For other tests that need the installed
 * package (a packed CLI, `import('vouch')` from outside the clone).
 *
 * Why a lockfile is written for the consumer: `npm ci` fills npm's cache with the tarballs of
 * package-lock.json, not with the registry's package documents (packuments), so a plain
 * `npm install --offline <tgz>` stops with ENOTCACHED while it resolves version ranges. The
 * consumer's lock pins vouch's production dependencies to exactly the versions of vouch's own
 * package-lock.json (what the tests ran against), and `npm ci --offline` then installs them from
 * the cache by their integrity. --omit=dev leaves out everything only the development needs.
 */

export interface PackedPackage {
  /** The tarball `npm pack` wrote. */
  readonly tarball: string;
  /** What `npm pack --json` said about it: file list, integrity. */
  readonly pack: PackResult;
  /** Removes every temporary folder made for it. */
  remove(): Promise<void>;
}

export interface PackResult {
  readonly filename: string;
  readonly integrity: string;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

export interface InstalledPackage extends PackedPackage {
  /** The consumer folder: package.json, package-lock.json, node_modules/vouch. */
  readonly dir: string;
}

/** npm's environment: the test's, with no colour, audit or funding messages, and never the network. */
function npmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };
}

export async function npm(args: readonly string[], cwd: string): Promise<CliResult> {
  const r = await runProcess('npm', args, { env: npmEnv(), cwd, timeoutMs: 300_000, noStdin: true });
  if (r.code !== 0) throw new Error(`npm ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.stderr.slice(-4000)}`);
  return r;
}

/**
 * What `npm pack` would put in the tarball, without writing it. Scripts are not run: the tests
 * run after `npm run build`, and a build here would rewrite dist/ under the running tests.
 */
export async function packDryRun(): Promise<PackResult> {
  const r = await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], PROJECT_ROOT);
  return (JSON.parse(r.stdout) as PackResult[])[0] as PackResult;
}

/** Packs the built project into a new temporary folder. */
export async function packProject(): Promise<PackedPackage> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-pack-'));
  const r = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], PROJECT_ROOT);
  const pack = (JSON.parse(r.stdout) as PackResult[])[0] as PackResult;
  return { tarball: join(dir, pack.filename), pack, remove: () => rm(dir, { recursive: true, force: true }) };
}

interface LockEntry {
  readonly dev?: boolean;
  readonly [key: string]: unknown;
}

/**
 * A consumer's package.json and package-lock.json for `vouch` from the tarball: vouch's production
 * dependencies at the versions of vouch's own lockfile, hoisted as npm hoists them there.
 */
export async function consumerManifests(packed: PackedPackage, name = 'consumer'): Promise<{ packageJson: string; packageLock: string }> {
  const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(await readFile(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${packed.tarball}`;
  const packages: Record<string, unknown> = {
    '': { name, dependencies: { vouch: spec } },
    'node_modules/vouch': {
      version: pkg['version'],
      resolved: spec,
      integrity: packed.pack.integrity,
      license: pkg['license'],
      dependencies: pkg['dependencies'],
      bin: pkg['bin'],
      engines: pkg['engines'],
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path !== '' && entry.dev !== true) packages[path] = entry;
  }
  return {
    packageJson: `${JSON.stringify({ name, private: true, dependencies: { vouch: spec } }, null, 2)}\n`,
    packageLock: `${JSON.stringify({ name, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  };
}

/** Packs the project and installs the tarball into an empty folder: production dependencies only, offline. */
export async function packAndInstall(): Promise<InstalledPackage> {
  const packed = await packProject();
  const parent = await mkdtemp(join(tmpdir(), 'vouch-consumer-'));
  const dir = join(parent, 'app');
  await mkdir(dir);
  const { packageJson, packageLock } = await consumerManifests(packed);
  await writeFile(join(dir, 'package.json'), packageJson);
  await writeFile(join(dir, 'package-lock.json'), packageLock);
  const remove = async (): Promise<void> => {
    await packed.remove();
    await rm(parent, { recursive: true, force: true });
  };
  try {
    await npm(['ci', '--omit=dev', '--no-audit', '--no-fund'], dir);
  } catch (err) {
    await remove();
    throw err;
  }
  return { ...packed, dir, remove };
}
