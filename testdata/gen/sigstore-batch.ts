import { existsSync, readFileSync } from 'node:fs';
import type { IdentityName, SigningIdentity } from './identities.js';
import { canonicalJson, sha256hex } from './util.js';

/**
 * Every Sigstore signature of the sample world is made in one batch against the test services
 * (@sigstore/mock's Fulcio CA, CT log and Rekor, with committed keys and a fixed clock). ECDSA
 * signatures are randomized, so a rerun would change bytes: the batch result is cached in
 * sigstore-cache.json, keyed by the hash of every request, and reused as long as nothing that is
 * signed changes. When anything changes, the whole batch (and the trusted root) is regenerated.
 */
export type SignRequest =
  /** A cosign key signature over a simple-signing payload, logged in Rekor (hashedrekord). */
  | { readonly kind: 'cosign-key'; readonly id: string; readonly payload: string }
  /** A keyless DSSE signature over an in-toto statement, logged in Rekor (dsse). */
  | { readonly kind: 'keyless-dsse'; readonly id: string; readonly identity: IdentityName; readonly statement: string };

/** A Sigstore bundle as JSON (the protobuf-specs JSON form). */
export type BundleJson = Record<string, unknown>;

export interface SignResult {
  readonly bundle: BundleJson;
  /** cosign-key only: base64 signature over the payload. */
  readonly signature?: string;
}

export interface SigstoreBatch {
  readonly key: string;
  readonly trustedRoot: Record<string, unknown>;
  /** PEM of the Fulcio root certificate (cosign's chain annotation). */
  readonly fulcioRootPem: string;
  readonly results: Readonly<Record<string, SignResult>>;
}

export function batchKey(requests: readonly SignRequest[], identities: Readonly<Record<IdentityName, SigningIdentity>>, publicKeys: readonly string[]): string {
  const sorted = [...requests].sort((a, b) => (a.id < b.id ? -1 : 1));
  return sha256hex(canonicalJson({ version: 1, requests: sorted, identities, publicKeys }));
}

export function readCachedBatch(path: string, key: string): SigstoreBatch | undefined {
  if (!existsSync(path)) return undefined;
  const cached = JSON.parse(readFileSync(path, 'utf8')) as SigstoreBatch;
  return cached.key === key ? cached : undefined;
}
