import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fail, isVouchError } from '../../errors.js';
import { assertJsonDepth, parseUntrustedJson } from '../../evidence/index.js';
import { readInputFile } from '../local-file.js';
import type { ImageCore } from './core.js';
import type { Digest } from './digest.js';
import { checkBytes, hexOf, sha256Digest } from './digest.js';
import { openLocalBlob, readLocalFileIfPresent } from './local-blob.js';
import type { Descriptor, RawManifest } from './manifest.js';
import { isRecord, parseDescriptor, parseManifest } from './manifest.js';
import { MEDIA } from './media-types.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const COSIGN_KIND = 'kind';

/**
 * An OCI image layout directory (`oci:<dir>[:tag|@digest]`), including what `cosign save` writes.
 * Blobs are read from blobs/sha256/<hex> and checked while they stream.
 */
export class OciLayoutCore implements ImageCore {
  readonly name: string;
  private readonly dir: string;
  private entries: Descriptor[] | undefined;
  private indexBytes: Buffer | undefined;

  constructor(
    dir: string,
    private readonly select: { readonly tag?: string; readonly digest?: Digest },
    private readonly maxDocumentBytes: number,
  ) {
    this.dir = resolve(dir);
    this.name = `oci:${dir}`;
  }

  async layoutEntries(): Promise<readonly Descriptor[]> {
    if (this.entries) return this.entries;
    const layoutFile = (await this.readSmallFile(join(this.dir, 'oci-layout'), 'oci-layout file').catch((err: unknown) => {
      if (isVouchError(err) && err.code === 'NOT_FOUND') fail('NOT_FOUND', `${this.name}: not an OCI image layout (no oci-layout file)`, { cause: err });
      throw err;
    })).toString('utf8');
    let version: unknown;
    try {
      version = (parseUntrustedJson(layoutFile, `${this.name}/oci-layout`) as Record<string, unknown>)['imageLayoutVersion'];
    } catch {
      version = undefined;
    }
    if (version !== '1.0.0') fail('UNSUPPORTED_FORMAT', `${this.name}: oci-layout imageLayoutVersion must be 1.0.0`);
    const bytes = await this.readSmallFile(join(this.dir, 'index.json'), 'index.json');
    let doc: unknown;
    assertJsonDepth(bytes.toString('utf8'), `${this.name}/index.json`);
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      return fail('INPUT_MALFORMED', `${this.name}/index.json is not JSON: ${(err as Error).message}`);
    }
    if (!isRecord(doc) || !Array.isArray(doc['manifests'])) fail('INPUT_MALFORMED', `${this.name}/index.json has no manifests list`);
    this.indexBytes = bytes;
    this.entries = (doc['manifests'] as unknown[]).map((d, i) => parseDescriptor(d, `${this.name}/index.json manifests[${i}]`));
    return this.entries;
  }

  async root(): Promise<RawManifest> {
    const entries = await this.layoutEntries();
    if (this.select.digest) {
      const wanted = this.select.digest;
      const hit = entries.find((e) => e.digest === wanted);
      const found = hit ? await this.manifest(hit) : await this.manifestByDigest(wanted);
      if (!found) return fail('NOT_FOUND', `${this.name}: no manifest ${wanted}`);
      return found;
    }
    if (this.select.tag !== undefined) {
      const found = await this.tag(this.select.tag);
      if (!found) return fail('NOT_FOUND', `${this.name}: no manifest tagged ${this.select.tag}`, { hints: this.tagHint(entries) });
      return found;
    }
    const images = entries.filter((e) => !isCosignAttachment(e));
    const only = images.length === 1 ? images[0] : undefined;
    if (only) {
      const found = await this.manifest(only);
      if (!found) return fail('NOT_FOUND', `${this.name}: blob for ${only.digest} is missing`);
      return found;
    }
    // apko writes the image index itself as index.json (platform manifests listed directly).
    if (images.length > 1 && images.every((e) => e.platform !== undefined) && this.indexBytes) {
      return { bytes: this.indexBytes, digest: sha256Digest(this.indexBytes), mediaType: MEDIA.ociIndex };
    }
    // Like a platform missing from an index, this is found in the layout, not in what the user
    // typed: the layout names no single image (exit 3), and the hint says how to name one.
    return fail('NOT_FOUND', `${this.name}: the layout holds ${images.length} images, not one; name one with oci:<dir>:<tag> or oci:<dir>@sha256:<hex>`, {
      hints: this.tagHint(entries),
    });
  }

  async tag(tag: string): Promise<RawManifest | undefined> {
    const entries = await this.layoutEntries();
    const hit = entries.find((e) => e.annotations?.[REF_NAME] === tag);
    return hit ? this.manifest(hit) : undefined;
  }

  async manifest(descriptor: Descriptor): Promise<RawManifest | undefined> {
    const bytes = await this.readBlobBytes(descriptor.digest, 'manifest');
    if (!bytes) return undefined;
    checkBytes(bytes, descriptor.digest, descriptor.size, `${this.name} manifest ${descriptor.digest}`);
    return { bytes, digest: descriptor.digest, mediaType: descriptor.mediaType, descriptorMediaType: descriptor.mediaType };
  }

  async blob(descriptor: Descriptor): Promise<Readable> {
    return openLocalBlob(this.blobPath(descriptor.digest), descriptor, this.name);
  }

  async close(): Promise<void> {}

  private async manifestByDigest(digest: Digest): Promise<RawManifest | undefined> {
    const bytes = await this.readBlobBytes(digest, 'manifest');
    if (!bytes) return undefined;
    checkBytes(bytes, digest, undefined, `${this.name} manifest ${digest}`);
    const parsed = parseManifest({ bytes, digest }, `${this.name} ${digest}`);
    return { bytes, digest, mediaType: parsed.mediaType };
  }

  private readBlobBytes(digest: Digest, what: string): Promise<Buffer | undefined> {
    return readLocalFileIfPresent(this.blobPath(digest), `${this.name}: ${what} ${digest}`, this.maxDocumentBytes, '--max-document-size');
  }

  /** Every file of the layout is read as a regular file, never through a link, and capped. */
  private async readSmallFile(path: string, what: string): Promise<Buffer> {
    return readInputFile(path, { what: `${this.name}: ${what}`, noFollow: true, missing: 'NOT_FOUND', maxBytes: this.maxDocumentBytes, flag: '--max-document-size' });
  }

  private blobPath(digest: Digest): string {
    // The digest was validated as sha256:<64 hex>, so it cannot name a path outside blobs/.
    return join(this.dir, 'blobs', 'sha256', hexOf(digest));
  }

  private tagHint(entries: readonly Descriptor[]): string[] {
    const tags = entries.map((e) => e.annotations?.[REF_NAME]).filter((t): t is string => t !== undefined).sort();
    return tags.length > 0 ? [`tags in this layout: ${tags.join(', ')}`] : [];
  }
}

/** cosign save marks signature and attestation manifests in index.json with a "kind" annotation. */
export function isCosignAttachment(d: Descriptor): boolean {
  const kind = d.annotations?.[COSIGN_KIND];
  return kind === 'dev.cosignproject.cosign/sigs' || kind === 'dev.cosignproject.cosign/atts';
}
