/**
 * npm's registry signs "publish" attestations with its own keys, published through the same TUF
 * repository as the Sigstore trusted root; @sigstore/tuf embeds them in its seeds next to the
 * trusted root. Reading them from there keeps npm attestation checks offline, like the rest.
 */
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { embeddedPublicGoodRoot } from '../sigstore/index.js';
import type { SigstoreTrust } from '../sigstore/index.js';

const SEEDS_REPO = 'https://tuf-repo-cdn.sigstore.dev';
const KEYS_TARGET = 'registry.npmjs.org%2Fkeys.json';

interface NpmKey {
  readonly keyId: string;
  readonly keyUsage: string;
  readonly publicKey: { readonly rawBytes: string; readonly validFor?: { readonly start?: string; readonly end?: string } };
}

let keys: readonly NpmKey[] | undefined;

async function npmKeys(): Promise<readonly NpmKey[]> {
  if (keys) return keys;
  const path = createRequire(import.meta.url).resolve('@sigstore/tuf/seeds.json');
  const seeds = JSON.parse(await readFile(path, 'utf8')) as Record<string, { targets?: Record<string, string> }>;
  const b64 = seeds[SEEDS_REPO]?.targets?.[KEYS_TARGET];
  const doc = typeof b64 === 'string' ? (JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as { keys?: NpmKey[] }) : {};
  keys = Array.isArray(doc.keys) ? doc.keys : [];
  return keys;
}

/**
 * Trust material for a bundle signed with the npm registry attestation key named by `hint`, or
 * undefined when no such key exists. The key counts only inside its validity window, checked
 * against the signing time the bundle's log entry proves.
 */
export async function npmAttestationTrust(hint: string): Promise<SigstoreTrust | undefined> {
  const key = (await npmKeys()).find((k) => k.keyId === hint && k.keyUsage === 'npm:attestations');
  if (!key) return undefined;
  const publicKey = createPublicKey({ key: Buffer.from(key.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' });
  const start = key.publicKey.validFor?.start ? Date.parse(key.publicKey.validFor.start) : -Infinity;
  const end = key.publicKey.validFor?.end ? Date.parse(key.publicKey.validFor.end) : Infinity;
  const finder = (h: string) => {
    if (h !== hint) throw new Error(`no npm registry key ${h}`);
    return { publicKey, validFor: (date: Date) => date.getTime() >= start && date.getTime() <= end };
  };
  const material = toTrustMaterial(TrustedRoot.fromJSON(await embeddedPublicGoodRoot()), finder);
  const tlogs = material.tlogs.map((t) => ({ baseUrl: t.baseURL, logIdHex: t.logID.toString('hex'), publicKey: t.publicKey }));
  return { material, source: `npm registry key ${hint} (@sigstore/tuf seeds)`, key: { name: `npm:${hint}`, publicKey }, tlogs };
}
