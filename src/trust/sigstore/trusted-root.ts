/**
 * Trust material: what vouch trusts when it verifies a Sigstore bundle.
 *
 * Default: the public-good trusted root embedded (base64) in @sigstore/tuf's seeds.json. It is read
 * from disk, never fetched: @sigstore/tuf's online client is not used, so verification is offline
 * and the answer only changes when the dependency is upgraded. `--trusted-root <file>` replaces it
 * (private or staging instances). `--key <pem>` adds a public key for key-signed bundles.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import type { TrustMaterial } from '@sigstore/verify';
import { fail, messageOf, settledLater } from '../../errors.js';
import { assertJsonDepth } from '../../evidence/index.js';
import { MAX_KEY_FILE_BYTES, readInputFile } from '../../sources/local-file.js';
import { trustedRootOf } from './trusted-root-input.js';
import { validateTrustedRootJSON } from './trusted-root-validate.js';

export const PUBLIC_GOOD_SOURCE = 'embedded public-good trusted root (@sigstore/tuf seeds)';
const SEEDS_REPO = 'https://tuf-repo-cdn.sigstore.dev';
/** Real trusted roots are tens of kilobytes; no flag raises this. */
const MAX_TRUSTED_ROOT_BYTES = 4 * 1024 * 1024;

export interface TrustOptions {
  /** trusted_root.json (or trust_config.json) file; default: the embedded public-good root. */
  readonly trustedRoot?: string;
  /** PEM public key file for key-signed bundles. */
  readonly key?: string;
}

/** A transparency log as the online lookup needs it. */
export interface TrustedLog {
  readonly baseUrl: string;
  /** Hex of the log ID (SHA-256 of the log's public key). */
  readonly logIdHex: string;
  readonly publicKey: KeyObject;
}

export interface SigstoreTrust {
  readonly material: TrustMaterial;
  /** Where the trusted root came from, for reports. */
  readonly source: string;
  /** The user's --key, when given: it verifies every key-signed bundle whatever its hint. */
  readonly key?: { readonly name: string; readonly publicKey: KeyObject };
  readonly tlogs: readonly TrustedLog[];
  /** Names of material.timestampAuthorities (URI, else subject), in the same order, for messages. */
  readonly timestampAuthorityNames?: readonly string[];
}

/** Reads, validates and builds the trust material; throws TRUST_MATERIAL_INVALID when unusable. */
export async function loadTrustMaterial(options: TrustOptions): Promise<SigstoreTrust> {
  // Both files are read at once; the root's error, if any, is still the one reported first.
  const keyFile = options.key === undefined ? undefined : { name: options.key, bytes: settledLater(readInputFile(options.key, { what: '--key', maxBytes: MAX_KEY_FILE_BYTES })) };
  const rootJSON = options.trustedRoot === undefined ? await embeddedPublicGoodRoot() : await readJSONFile(options.trustedRoot, '--trusted-root');
  const key = keyFile && { name: keyFile.name, pem: (await keyFile.bytes).toString('utf8') };
  return trustFromJSON(rootJSON, { source: options.trustedRoot ?? PUBLIC_GOOD_SOURCE, ...(key && { key }) });
}

/**
 * Builds trust material from a trusted_root.json or client trust config document (and optionally
 * a PEM key); validates first (see trusted-root-input.ts for what the document may hold).
 */
export function trustFromJSON(document: unknown, opts: { source: string; key?: { name: string; pem: string } }): SigstoreTrust {
  const input = trustedRootOf(document);
  const rootJSON = input.ok ? input.root : undefined;
  const problems = input.ok ? validateTrustedRootJSON(rootJSON) : [...input.problems];
  if (problems.length > 0) {
    fail('TRUST_MATERIAL_INVALID', `trusted root ${opts.source} is invalid: ${problems.slice(0, 5).join('; ')}`, { details: { problems } });
  }
  const key = opts.key && { name: opts.key.name, publicKey: parsePublicKey(opts.key.pem, opts.key.name) };
  try {
    const root = TrustedRoot.fromJSON(rootJSON);
    // With --key, cosign ignores the bundle's key hint: the one key given must have signed.
    const finder = key && (() => ({ publicKey: key.publicKey, validFor: () => true }));
    const material = toTrustMaterial(root, finder);
    const tlogs = material.tlogs.map((t) => ({ baseUrl: t.baseURL, logIdHex: t.logID.toString('hex'), publicKey: t.publicKey }));
    const timestampAuthorityNames = root.timestampAuthorities.map((ca, i) => ca.uri || ca.subject?.commonName || ca.subject?.organization || `timestamp authority ${i + 1}`);
    return { material, source: opts.source, tlogs, timestampAuthorityNames, ...(key && { key }) };
  } catch (err) {
    return fail('TRUST_MATERIAL_INVALID', `trusted root ${opts.source} is unusable: ${messageOf(err)}`, { cause: err });
  }
}

function parsePublicKey(pem: string, name: string): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.type !== 'public') throw new Error('not a public key');
    return key;
  } catch (err) {
    return fail('TRUST_MATERIAL_INVALID', `--key ${name} is not a PEM public key: ${messageOf(err)}`, { cause: err });
  }
}

let embedded: unknown;

/** The trusted root embedded in @sigstore/tuf's seeds.json (read once per process). */
export async function embeddedPublicGoodRoot(): Promise<unknown> {
  if (embedded !== undefined) return embedded;
  const path = createRequire(import.meta.url).resolve('@sigstore/tuf/seeds.json');
  const seeds = JSON.parse(await readFile(path, 'utf8')) as Record<string, { targets?: Record<string, string> }>;
  const b64 = seeds[SEEDS_REPO]?.targets?.['trusted_root.json'];
  if (typeof b64 !== 'string') fail('TRUST_MATERIAL_INVALID', `@sigstore/tuf seeds hold no trusted_root.json for ${SEEDS_REPO}`);
  embedded = JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as unknown;
  return embedded;
}

async function readJSONFile(path: string, flag: string): Promise<unknown> {
  const text = (await readInputFile(path, { what: flag, maxBytes: MAX_TRUSTED_ROOT_BYTES })).toString('utf8');
  assertJsonDepth(text, `${flag} ${path}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return fail('TRUST_MATERIAL_INVALID', `${flag} ${path} is not JSON: ${messageOf(err)}`, { cause: err });
  }
}
