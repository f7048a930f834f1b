/**
 * The files `vouch artifact` reads: the artifact (hashed while streaming), the bundle, and the
 * trust material (trusted root, --key). Each is a handful of file-system round trips through
 * node's thread pool, which one after another were most of what a run added to the verification
 * itself; they are independent, so all start at once. The results are still taken in the order
 * the checks need them, so the error a run reports is the same as when they were read in turn: a
 * read that fails is only an error when its result is asked for (a trusted root is never read
 * into a verdict when the bundle itself is not readable, for example).
 */
import type { RunContext } from '../context.js';
import { settledLater } from '../errors.js';
import type { SigstoreTrust } from '../trust/sigstore/index.js';
import { loadTrustMaterial } from '../trust/sigstore/index.js';
import { readInputFile } from '../sources/local-file.js';
import type { ArtifactSubject } from './artifact-subject.js';
import { resolveArtifactSubject } from './artifact-subject.js';
import type { ArtifactOptions } from './options.js';

export interface ArtifactInputs {
  readonly subject: Promise<ArtifactSubject>;
  /** The --bundle file and its bytes (size-capped), when one was given. */
  readonly bundle?: { readonly path: string; readonly bytes: Promise<Buffer> };
  /** Trust material, loaded once for the bundle and every attestation. */
  readonly trust: () => Promise<SigstoreTrust>;
}

export function startArtifactInputs(options: ArtifactOptions, ctx: Pick<RunContext, 'signal' | 'progress'> = {}): ArtifactInputs {
  const { sigstore } = options;
  const load = (): Promise<SigstoreTrust> =>
    loadTrustMaterial({ ...(sigstore.trustedRoot !== undefined && { trustedRoot: sigstore.trustedRoot }), ...(sigstore.key !== undefined && { key: sigstore.key }) });
  let trust = options.bundle !== undefined || options.attestations.length > 0 ? settledLater(load()) : undefined;
  return {
    subject: settledLater(resolveArtifactSubject(options.target, options.limits.maxDecompressedBytes, ctx)),
    ...(options.bundle !== undefined && { bundle: { path: options.bundle, bytes: settledLater(readInputFile(options.bundle, { what: '--bundle', maxBytes: options.limits.maxDocumentBytes, flag: '--max-document-size' })) } }),
    trust: () => (trust ??= load()),
  };
}
