import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';
import type { ReadResult } from './discover-read.js';
import type { Descriptor, RawManifest } from './manifest.js';

/** What a referrers lookup found: a list, or "this store has no referrers API". */
export type ReferrersResult = { readonly kind: 'list'; readonly manifests: readonly Descriptor[] } | { readonly kind: 'unsupported' };

/**
 * One small interface over every place images are kept (after go-containerregistry's split of
 * remote/layout/tarball behind v1.Image). Every method returns content already checked against
 * its digest and size, or a stream that fails at its end unless the content matches.
 * "Not there" is `undefined`; anything that prevents looking is a thrown VouchError.
 */
export interface ImageCore {
  /** For messages and Evidence sources: "registry.example.com/org/app", "oci:/path", ... */
  readonly name: string;
  /** The manifest the reference names (tag, digest, or the layout's only image). */
  root(): Promise<RawManifest>;
  /** A manifest by digest (index entries, signature manifests); undefined when absent. */
  manifest(descriptor: Descriptor): Promise<RawManifest | undefined>;
  /** A blob as a verifying stream. Absent blobs throw NOT_FOUND: a manifest promised them. */
  blob(descriptor: Descriptor): Promise<Readable>;
  /** A manifest by tag, or undefined when the tag does not exist. */
  tag?(tag: string): Promise<RawManifest | undefined>;
  /** OCI 1.1 referrers of a digest (registries); 'unsupported' when the API is missing. */
  referrers?(digest: Digest): Promise<ReferrersResult>;
  /** Signatures stored beside the image as files (the `dir:` transport's signature-N), already read. */
  storedSignatures?(digest: Digest): Promise<ReadResult & { readonly files: number }>;
  /** The top-level entries of an OCI layout's index.json (cosign save annotates them by kind). */
  layoutEntries?(): Promise<readonly Descriptor[]>;
  /**
   * Throws unless the image manifest the reference resolved to is the one every other reader of
   * this store would load (docker archives: index.json against manifest.json).
   */
  confirmImage?(image: { readonly config: Descriptor; readonly layers: readonly Descriptor[] }): void;
  /** Releases connections and file handles. */
  close(): Promise<void>;
}
