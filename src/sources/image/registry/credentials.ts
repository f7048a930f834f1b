import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../context.js';
import { isVouchError, VouchError } from '../../../errors.js';
import { assertJsonDepth, parseUntrustedJson } from '../../../evidence/index.js';
import { readInputFile } from '../../local-file.js';
import { DOCKER_HUB } from '../reference.js';

/** Registry credentials: a user name and password, or an identity (refresh) token. */
export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'identity-token'; readonly token: string };

export interface CredentialOptions {
  readonly username?: string;
  readonly password?: string;
  /** Directory holding config.json; default $DOCKER_CONFIG or ~/.docker. */
  readonly dockerConfigDir?: string;
}

const HELPER_TIMEOUT_MS = 15_000;

/**
 * Finds credentials for a registry the way the docker CLI does: explicit flags first, then
 * ~/.docker/config.json — credHelpers for this registry, then credsStore, then auths.
 */
export async function findCredentials(registry: string, opts: CredentialOptions, log: Logger): Promise<Credentials | undefined> {
  if (opts.username !== undefined || opts.password !== undefined) {
    if (!opts.username || !opts.password) {
      throw new VouchError({ code: 'USAGE', message: 'give both --registry-username and --registry-password (or neither)' });
    }
    return { kind: 'basic', username: opts.username, password: opts.password };
  }
  const dir = opts.dockerConfigDir ?? process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  const config = await readDockerConfig(join(dir, 'config.json'));
  if (!config) return undefined;
  const keys = serverKeys(registry);
  const helpers = isRecord(config['credHelpers']) ? config['credHelpers'] : {};
  const helper = keys.map((k) => helpers[k]).find((h): h is string => typeof h === 'string');
  if (helper) return runHelper(helper, keys[0] ?? registry, log);
  if (typeof config['credsStore'] === 'string' && config['credsStore'] !== '') {
    const found = await runHelper(config['credsStore'], keys[0] ?? registry, log);
    if (found) return found;
  }
  const auths = isRecord(config['auths']) ? config['auths'] : {};
  for (const key of keys) {
    const entry = auths[key];
    if (isRecord(entry)) return fromAuthEntry(entry, key);
  }
  return undefined;
}

/** The spellings config.json uses for a registry (Docker Hub's is a v1 URL, for history's sake). */
function serverKeys(registry: string): string[] {
  if (registry === DOCKER_HUB) return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

/** A docker config.json is a few kilobytes, even with many registries. */
const MAX_DOCKER_CONFIG_BYTES = 1024 * 1024;

async function readDockerConfig(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = (await readInputFile(path, { what: 'docker config', maxBytes: MAX_DOCKER_CONFIG_BYTES, missing: 'NOT_FOUND' })).toString('utf8');
  } catch (err) {
    // No config is no credentials; a config that is there but unusable is an error, not silence.
    if (isVouchError(err) && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
  assertJsonDepth(text, path);
  try {
    const doc: unknown = JSON.parse(text);
    return isRecord(doc) ? doc : undefined;
  } catch (err) {
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `${path} is not valid JSON: ${(err as Error).message}` });
  }
}

function fromAuthEntry(entry: Record<string, unknown>, key: string): Credentials | undefined {
  if (typeof entry['identitytoken'] === 'string' && entry['identitytoken'] !== '') return { kind: 'identity-token', token: entry['identitytoken'] };
  if (typeof entry['username'] === 'string' && typeof entry['password'] === 'string') {
    return { kind: 'basic', username: entry['username'], password: entry['password'] };
  }
  if (typeof entry['auth'] === 'string' && entry['auth'] !== '') {
    const decoded = Buffer.from(entry['auth'], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new VouchError({ code: 'INPUT_MALFORMED', message: `docker config: the auth entry for ${key} is not base64 "user:password"` });
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/** Runs `docker-credential-<name> get` with the server URL on stdin (the credential-helper protocol). */
function runHelper(name: string, server: string, log: Logger): Promise<Credentials | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `docker config names an invalid credential helper ${JSON.stringify(name)}` });
  }
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: HELPER_TIMEOUT_MS });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e) => reject(new VouchError({ code: 'UNAUTHORIZED', message: `credential helper ${program} could not run: ${e.message}`, cause: e })));
    child.on('close', (code) => {
      if (code !== 0) {
        // The protocol says "credentials not found" on stdout with a non-zero exit: anonymous access.
        if (/credentials not found/i.test(out + err)) return resolve(undefined);
        return reject(new VouchError({ code: 'UNAUTHORIZED', message: `credential helper ${program} failed (exit ${code})` }));
      }
      try {
        const doc = parseUntrustedJson(out, 'credential helper output') as Record<string, unknown>;
        const user = doc['Username'];
        const secret = doc['Secret'];
        if (typeof user !== 'string' || typeof secret !== 'string') throw new Error('no Username/Secret');
        log.debug(`credentials for ${server} from ${program}`);
        resolve(user === '<token>' ? { kind: 'identity-token', token: secret } : { kind: 'basic', username: user, password: secret });
      } catch (e) {
        reject(new VouchError({ code: 'UNAUTHORIZED', message: `credential helper ${program} printed no usable credentials: ${(e as Error).message}` }));
      }
    });
    child.stdin.end(server);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
