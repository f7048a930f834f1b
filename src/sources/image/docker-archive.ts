import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PassThrough, Readable as NodeReadable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VouchError, fail } from '../../errors.js';
import { assertJsonDepth } from '../../evidence/index.js';
import type { ImageCore } from './core.js';
import type { Digest } from './digest.js';
import { checkBytes, isDigest, readCapped, sha256Digest, verifyingStream } from './digest.js';
import type { Descriptor, RawManifest } from './manifest.js';
import { isRecord, parseDescriptor, parseManifest } from './manifest.js';
import { MEDIA } from './media-types.js';
import { archiveName, scanTarFile } from './tar-scan.js';

interface ArchiveBlob {
  readonly entry: string;
  readonly size: number;
}

/**
 * `docker-archive:<file.tar>` as `docker save` writes it: the legacy layout (manifest.json with
 * Config and Layers paths) and the newer one that embeds an OCI layout (index.json + blobs/).
 * The legacy layout has no registry manifest, so one is synthesized (as skopeo does) from the
 * config and layer digests measured in a first pass; every later read re-scans the tar.
 */
export class DockerArchiveCore implements ImageCore {
  readonly name: string;
  private blobs = new Map<Digest, ArchiveBlob>();
  private rootManifest: RawManifest | undefined;
  /** manifest.json's image (config and layers, by measured digest) when index.json names the root. */
  private legacyView: { readonly config: Digest; readonly layers: readonly Digest[] } | undefined;

  constructor(
    private readonly file: string,
    private readonly maxDocumentBytes: number,
  ) {
    this.name = `docker-archive:${file}`;
  }

  async root(): Promise<RawManifest> {
    if (this.rootManifest) return this.rootManifest;
    const docs = new Map<string, Buffer>();
    const sizes = new Map<string, number>();
    const hashes = new Map<string, Digest>();
    const gzipped = new Set<string>();
    await scanTarFile(this.file, async (header, name, content) => {
      if (header.type !== 'file') return false;
      sizes.set(name, header.size ?? 0);
      if (name === 'manifest.json' || name === 'index.json' || name === 'oci-layout') {
        docs.set(name, await readCapped(content, this.maxDocumentBytes, `${this.name} ${name}`));
        return false;
      }
      // Measure every other entry: legacy layers are named by path, not digest.
      const hash = createHash('sha256');
      let first = true;
      for await (const chunk of content) {
        const buf = chunk as Buffer;
        if (first && buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) gzipped.add(name);
        first = false;
        hash.update(buf);
      }
      hashes.set(name, `sha256:${hash.digest('hex')}`);
      return false;
    });
    for (const [name, digest] of hashes) {
      const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
      // An OCI blob must be stored under its own digest; a mismatch is tampering, not a typo.
      if (m && `sha256:${m[1]}` !== digest) fail('DIGEST_MISMATCH', `${this.name}: ${name} does not match its digest (${digest})`);
      this.blobs.set(digest, { entry: name, size: sizes.get(name) ?? 0 });
    }
    const manifestJson = docs.get('manifest.json');
    if (!manifestJson) return fail('UNSUPPORTED_FORMAT', `${this.name}: no manifest.json; not a docker save archive`);
    const synthesized = this.synthesize(manifestJson, hashes, sizes, gzipped);
    const fromIndex = await this.fromIndex(docs);
    if (fromIndex) {
      const legacy = parseManifest(synthesized, `${this.name} manifest.json`);
      if (legacy.kind === 'image') this.legacyView = { config: legacy.config.digest, layers: legacy.layers.map((l) => l.digest) };
    }
    this.rootManifest = fromIndex ?? synthesized;
    return this.rootManifest;
  }

  /**
   * Docker 25 archives carry both index.json (read by containerd and `docker load` with the
   * containerd store) and manifest.json (read by skopeo and the classic `docker load`). vouch
   * verifies index.json's image; unless manifest.json names the same config and layers, the image
   * that gets loaded could be another one, so the archive is refused.
   */
  confirmImage(image: { readonly config: Descriptor; readonly layers: readonly Descriptor[] }): void {
    const legacy = this.legacyView;
    if (!legacy) return;
    const same = legacy.config === image.config.digest && legacy.layers.length === image.layers.length && legacy.layers.every((d, i) => d === image.layers[i]?.digest);
    if (!same) {
      fail('INPUT_MALFORMED', `${this.name}: index.json and manifest.json name different images (config ${image.config.digest} vs ${legacy.config}); tools that read the other file would load another image`);
    }
  }

  /**
   * Newer docker save: index.json names the real manifest; use it and its real digest. An empty
   * list (Docker writes null for untagged images) leaves manifest.json alone in charge.
   */
  private async fromIndex(docs: Map<string, Buffer>): Promise<RawManifest | undefined> {
    const index = docs.get('index.json');
    if (!index) return undefined;
    let doc: unknown;
    assertJsonDepth(index.toString('utf8'), `${this.name} index.json`);
    try {
      doc = JSON.parse(index.toString('utf8'));
    } catch (err) {
      return fail('INPUT_MALFORMED', `${this.name}: index.json is not JSON: ${(err as Error).message}`);
    }
    if (!isRecord(doc)) return fail('INPUT_MALFORMED', `${this.name}: index.json is not a JSON object`);
    const list = doc['manifests'];
    if (list === null || list === undefined || (Array.isArray(list) && list.length === 0)) return undefined;
    if (!Array.isArray(list)) return fail('INPUT_MALFORMED', `${this.name}: index.json manifests is not a list`);
    const descriptors = list.slice(0, 1000).map((d, i) => parseDescriptor(d, `${this.name} index.json manifests[${i}]`));
    // One image saved under several tags is listed once per tag, with one digest.
    const digests = new Set(descriptors.map((d) => d.digest));
    if (list.length > 1000 || digests.size > 1) {
      // The reference is well formed; what the archive holds is what vouch cannot read: exit 3, not a usage error.
      return fail('UNSUPPORTED_FORMAT', `${this.name}: index.json lists ${digests.size} images; vouch reads archives with one image`, {
        hints: ['save one image per archive (docker save <image>)'],
      });
    }
    const [first] = descriptors;
    if (!first) return undefined;
    const found = await this.manifest(first);
    if (!found) return fail('NOT_FOUND', `${this.name}: index.json names ${first.digest}, which is not in the archive`);
    return found;
  }

  private synthesize(manifestJson: Buffer, hashes: Map<string, Digest>, sizes: Map<string, number>, gzipped: Set<string>): RawManifest {
    let doc: unknown;
    assertJsonDepth(manifestJson.toString('utf8'), `${this.name} manifest.json`);
    try {
      doc = JSON.parse(manifestJson.toString('utf8'));
    } catch (err) {
      return fail('INPUT_MALFORMED', `${this.name}: manifest.json is not JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(doc) || doc.length === 0) return fail('INPUT_MALFORMED', `${this.name}: manifest.json must be a non-empty list`);
    if (doc.length > 1) {
      return fail('UNSUPPORTED_FORMAT', `${this.name}: the archive holds ${doc.length} images; vouch reads archives with one image`, {
        hints: ['save one image per archive (docker save <image>)'],
      });
    }
    const entry: unknown = doc[0];
    if (!isRecord(entry) || typeof entry['Config'] !== 'string' || !Array.isArray(entry['Layers'])) {
      return fail('INPUT_MALFORMED', `${this.name}: manifest.json entry needs Config and Layers`);
    }
    const layerType = (path: unknown): string =>
      gzipped.has(typeof path === 'string' ? archiveName(path) : '') ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.docker.image.rootfs.diff.tar';
    const describe = (path: unknown, mediaType: string): Record<string, unknown> => {
      const name = typeof path === 'string' ? archiveName(path) : '';
      const digest = hashes.get(name);
      if (!digest) return fail('INPUT_MALFORMED', `${this.name}: manifest.json names ${JSON.stringify(path)}, which is not in the archive`);
      return { mediaType, digest, size: sizes.get(name) ?? 0 };
    };
    const synthesized = {
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: describe(entry['Config'], MEDIA.dockerConfig),
      layers: (entry['Layers'] as unknown[]).map((l) => describe(l, layerType(l))),
    };
    const bytes = Buffer.from(JSON.stringify(synthesized));
    return { bytes, digest: sha256Digest(bytes), mediaType: MEDIA.dockerManifest, synthesized: true };
  }

  async manifest(descriptor: Descriptor): Promise<RawManifest | undefined> {
    if (!this.blobs.has(descriptor.digest)) {
      if (this.rootManifest?.digest === descriptor.digest) return this.rootManifest;
      return undefined;
    }
    const stream = await this.blob(descriptor);
    const bytes = await readCapped(stream, this.maxDocumentBytes, `${this.name} manifest ${descriptor.digest}`);
    checkBytes(bytes, descriptor.digest, descriptor.size, `${this.name} manifest ${descriptor.digest}`);
    return { bytes, digest: descriptor.digest, mediaType: descriptor.mediaType, descriptorMediaType: descriptor.mediaType };
  }

  async blob(descriptor: Descriptor): Promise<Readable> {
    if (!isDigest(descriptor.digest)) fail('INPUT_MALFORMED', `${this.name}: bad digest`);
    const known = this.blobs.get(descriptor.digest);
    if (!known) return fail('NOT_FOUND', `${this.name}: blob ${descriptor.digest} is not in the archive`);
    const out = new PassThrough();
    const what = `${this.name} blob ${descriptor.digest}`;
    // The scan runs while the caller reads `out`; backpressure flows through pipeline().
    scanTarFile(this.file, async (_header, name, content) => {
      if (name !== known.entry) return false;
      await pipeline(NodeReadable.from(content), verifyingStream(descriptor.digest, descriptor.size, what), out);
      return true;
    })
      .then(() => {
        if (!out.writableFinished) out.destroy(new VouchError({ code: 'NOT_FOUND', message: `${what}: entry vanished from the archive` }));
      })
      .catch((err: unknown) => out.destroy(err as Error));
    return out;
  }

  async close(): Promise<void> {}
}
