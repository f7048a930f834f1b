import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fail } from '../../errors.js';
import type { ImageCore } from './core.js';
import type { Digest } from './digest.js';
import { checkBytes, hexOf, sha256Digest } from './digest.js';
import type { ReadResult } from './discover-read.js';
import { parseStoredSignature } from './dir-signature.js';
import { openLocalBlob, readLocalFileIfPresent } from './local-blob.js';
import type { Descriptor, RawManifest } from './manifest.js';
import { MEDIA } from './media-types.js';

/**
 * Signature files read for one digest. containers/image numbers them from 1 and stops at the
 * first gap; real images carry a handful. The cap keeps a directory of a million signature files
 * from holding vouch: more is LIMIT_EXCEEDED, not a silent cut (a cut could hide the one that
 * verifies, or a reader could take the first N as all there is).
 */
export const MAX_DIR_SIGNATURES = 256;

/**
 * One signature file: a cosign signature with its certificate chain and Rekor bundle is a few
 * KiB. Without a cap of its own each could be --max-document-size (64 MiB), 256 of them 16 GiB.
 */
export const MAX_DIR_SIGNATURE_BYTES = 1024 * 1024;
/** All signature files of one digest together. */
export const MAX_DIR_SIGNATURE_TOTAL_BYTES = 16 * 1024 * 1024;

/** What containers/image writes into `version`; 1.0 differs only in the layer file names. */
const VERSION = /^Directory Transport Version: 1\.[01]\n?$/;

/**
 * containers/image's `dir:` transport (`skopeo copy … dir:DIR`, `podman push … dir:DIR`): the
 * manifest as `manifest.json`, each blob as a file named by its hex digest, the signatures as
 * `signature-1`, `signature-2`, … For a multi-platform copy the instances' manifests are
 * `<hex>.manifest.json` and their signatures `<hex>.signature-N`.
 *
 * The manifest's digest is measured (the directory names none); signatures bind it, since each
 * names the manifest digest it signs. Like an OCI layout, every file must be a regular file
 * inside the directory, not a link, and documents are read under the document cap.
 */
export class DirCore implements ImageCore {
  readonly name: string;
  private readonly dir: string;
  private rootManifest: RawManifest | undefined;

  constructor(dir: string, private readonly maxDocumentBytes: number) {
    this.dir = resolve(dir);
    this.name = `dir:${dir}`;
  }

  async root(): Promise<RawManifest> {
    if (this.rootManifest) return this.rootManifest;
    const version = await this.readOptional('version', 'version file');
    if (version && !VERSION.test(version.toString('latin1'))) fail('UNSUPPORTED_FORMAT', `${this.name}: unknown directory transport version ${JSON.stringify(version.subarray(0, 64).toString('latin1'))}`);
    const bytes = await this.readOptional('manifest.json', 'manifest.json');
    if (!bytes) return fail('NOT_FOUND', `${this.name}: no manifest.json (not a directory written by skopeo's dir: transport)`);
    this.rootManifest = { bytes, digest: sha256Digest(bytes) };
    return this.rootManifest;
  }

  async manifest(descriptor: Descriptor): Promise<RawManifest | undefined> {
    const root = await this.root();
    if (descriptor.digest === root.digest) return { ...root, descriptorMediaType: descriptor.mediaType };
    const bytes = await this.readOptional(`${hexOf(descriptor.digest)}.manifest.json`, `manifest ${descriptor.digest}`);
    if (!bytes) return undefined;
    checkBytes(bytes, descriptor.digest, descriptor.size, `${this.name} manifest ${descriptor.digest}`);
    return { bytes, digest: descriptor.digest, mediaType: descriptor.mediaType, descriptorMediaType: descriptor.mediaType };
  }

  async blob(descriptor: Descriptor): Promise<Readable> {
    // The digest was validated as sha256:<64 hex>, so the name cannot leave the directory.
    return openLocalBlob(join(this.dir, hexOf(descriptor.digest)), descriptor, this.name);
  }

  /**
   * The signature files stored for a digest: `signature-N` for the manifest.json the directory
   * holds, `<hex>.signature-N` for an instance of it. cosign signatures become attachments like a
   * `.sig` layer; every other file is listed as ignored with the reason.
   */
  async storedSignatures(target: Digest): Promise<ReadResult & { readonly files: number }> {
    const root = await this.root();
    const prefix = target === root.digest ? '' : `${hexOf(target)}.`;
    const out: ReadResult = { attachments: [], ignored: [] };
    let total = 0;
    for (let n = 1; ; n++) {
      const file = `${prefix}signature-${n}`;
      const bytes = await this.readOptional(file, file, Math.min(MAX_DIR_SIGNATURE_BYTES, this.maxDocumentBytes));
      if (!bytes) return { ...out, files: n - 1 };
      total += bytes.length;
      if (total > MAX_DIR_SIGNATURE_TOTAL_BYTES) {
        fail('LIMIT_EXCEEDED', `${this.name}: the signature files for ${target} hold more than ${MAX_DIR_SIGNATURE_TOTAL_BYTES} bytes`, { details: { limit: MAX_DIR_SIGNATURE_TOTAL_BYTES } });
      }
      if (n > MAX_DIR_SIGNATURES) {
        fail('LIMIT_EXCEEDED', `${this.name}: more than ${MAX_DIR_SIGNATURES} signature files for ${target}`, { details: { limit: MAX_DIR_SIGNATURES } });
      }
      const source = `${this.name}/${file}`;
      const sig = parseStoredSignature(bytes, source);
      if (sig.kind === 'cosign' && sig.mimeType === MEDIA.cosignSimpleSigning) {
        out.attachments.push({ kind: 'cosign-signature', attachedTo: target, source, payload: sig.payload, annotations: sig.annotations });
      } else {
        out.ignored.push({ source, mediaType: sig.kind === 'cosign' ? sig.mimeType : sig.reason });
      }
    }
  }

  async close(): Promise<void> {}

  /** A file of the directory, read whole under the document cap; undefined when it does not exist. */
  private readOptional(name: string, what: string, maxBytes = this.maxDocumentBytes): Promise<Buffer | undefined> {
    return readLocalFileIfPresent(join(this.dir, name), `${this.name}: ${what}`, maxBytes, maxBytes === this.maxDocumentBytes ? '--max-document-size' : undefined);
  }

}
