import { createHash } from 'node:crypto';
import type { VerdictCacheKeyParts } from '../cache/types.js';
import { stableStringify } from '../evidence/index.js';
import { EVIDENCE_SCHEMA_VERSION } from '../evidence/index.js';
import type { Policy } from '../policy/index.js';

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/**
 * The key parts every subject of a run shares; the subject digest is added per subject.
 * Each part is a digest of exact bytes, never of names or paths that could point at other bytes
 * next time (src/cache/types.ts).
 */
export type RunKeyParts = Omit<VerdictCacheKeyParts, 'subjectDigest'>;

/** One piece of trust material: what it is (a flag and its value) and the SHA-256 of its bytes as loaded. */
export interface TrustPiece {
  readonly what: string;
  readonly sha256: string;
}

export interface RunKeyInputs {
  /** The policies exactly as evaluated: each carries the digest of its canonical text. */
  readonly policies: readonly Pick<Policy, 'name' | 'digest'>[];
  readonly trust: readonly TrustPiece[];
  /**
   * Everything else that can change a verdict: identities, source and builder expectations,
   * platform, the effective time when one was given, files beside the subject (bundles,
   * attestations) by digest. Serialized with sorted keys, so the order flags came in is irrelevant.
   */
  readonly expectations: Readonly<Record<string, unknown>>;
  readonly vouchVersion: string;
}

export function runKeyParts(inputs: RunKeyInputs): RunKeyParts {
  const policies = inputs.policies.map((p) => `${p.name}\n${p.digest}`).sort();
  const trust = inputs.trust.map((t) => `${t.what}\n${t.sha256}`).sort();
  return {
    policiesDigest: sha256(policies.join('\n\n')),
    trustDigest: sha256(trust.join('\n\n')),
    expectationsDigest: sha256(stableStringify(inputs.expectations)),
    vouchVersion: inputs.vouchVersion,
    evidenceSchemaVersion: EVIDENCE_SCHEMA_VERSION,
  };
}

/**
 * The subject digest of a package named by a verified index: the index's `C:` (SHA-1 of the
 * control segment, which holds the data segment's SHA-256) and `S:` for this name and version.
 * This is what apk itself trusts once the index signature holds, and it is known before the
 * package is downloaded, so a hit saves the download as well. Callers use it only when this run's
 * index signature check passed.
 */
export function indexEntryDigest(entry: { readonly name: string; readonly version: string; readonly checksum?: string | undefined; readonly size?: number | undefined }): string | undefined {
  if (entry.checksum === undefined || !entry.checksum.startsWith('Q1')) return undefined;
  return sha256(`apk-index-entry\n${entry.name}\n${entry.version}\n${entry.checksum}\n${entry.size ?? ''}`);
}
