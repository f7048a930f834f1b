import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactJson, digestOf } from './util.js';

export const MT = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  empty: 'application/vnd.oci.empty.v1+json',
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
  bundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

export interface Descriptor {
  mediaType: string;
  size: number;
  digest: string;
  artifactType?: string;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

export const REF_NAME = 'org.opencontainers.image.ref.name';

/** An OCI image layout being assembled in memory: blobs by digest plus the tagged top-level entries. */
export class LayoutBuilder {
  private readonly blobs = new Map<string, Buffer>();
  private readonly entries: Descriptor[] = [];

  /** Stores a blob and returns its descriptor (media type as given). */
  add(mediaType: string, bytes: Buffer): Descriptor {
    const digest = digestOf(bytes);
    this.blobs.set(digest, bytes);
    return { mediaType, size: bytes.length, digest };
  }

  /** Stores a JSON document (compact, as registries receive it). */
  addJson(mediaType: string, doc: unknown): Descriptor {
    return this.add(mediaType, compactJson(doc));
  }

  /** Names a manifest or index in index.json (a tag: org.opencontainers.image.ref.name). */
  tag(descriptor: Descriptor, name: string): void {
    this.entries.push({ ...descriptor, annotations: { ...descriptor.annotations, [REF_NAME]: name } });
  }

  blob(digest: string): Buffer | undefined {
    return this.blobs.get(digest);
  }

  write(dir: string): void {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), compactJson({ imageLayoutVersion: '1.0.0' }));
    for (const [digest, bytes] of [...this.blobs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      writeFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    }
    const manifests = [...this.entries].sort((a, b) => {
      const x = a.annotations?.[REF_NAME] ?? '';
      const y = b.annotations?.[REF_NAME] ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
    writeFileSync(join(dir, 'index.json'), compactJson({ schemaVersion: 2, mediaType: MT.index, manifests }));
  }
}
