import type { BuiltApk } from './apk-writer.js';
import { installedDb } from './installed-db.js';
import type { Descriptor, LayoutBuilder } from './oci-layout.js';
import { MT } from './oci-layout.js';
import { DISTRO } from './packages.js';
import { parentDirs, walkOrder, writeTar } from './tar.js';
import type { TarEntry } from './tar.js';
import { BUILD_TIME, digestOf, gzip, SOURCE_DATE_EPOCH } from './util.js';

/**
 * One platform image built the way apko builds it: a single layer holding the installed
 * packages' files, the apk database at usr/lib/apk/db/installed (reached through the
 * lib/apk -> ../usr/lib/apk symlink), etc/apk/{arch,keys,repositories,world}, etc/os-release and
 * the accounts files; an OCI config and manifest. apko writes the image SBOM beside the image
 * (it names the manifest digest, so it cannot be inside the layer it describes).
 */
export const IMAGE_REPOSITORY = 'vouch-sample/hello';
export const IMAGE_SOURCE = 'https://github.com/vouch-sample/hello';

export interface LayerMutation {
  /** Replace the content of a file after the database was written (the database keeps the old Z:). */
  readonly replace?: Readonly<Record<string, string>>;
  /** Add files no package owns. */
  readonly add?: readonly { readonly path: string; readonly content: string; readonly mode: number }[];
}

export interface PlatformImage {
  readonly arch: { readonly apk: string; readonly oci: string };
  readonly manifest: Descriptor;
  readonly manifestBytes: Buffer;
  readonly layer: Descriptor;
  readonly diffId: string;
  readonly apks: readonly BuiltApk[];
}

export interface ImageContext {
  readonly apkKeyName: string;
  readonly apkKeyPem: string;
  readonly world: readonly string[];
  readonly sourceCommit: string;
}

function baseFiles(arch: string, ctx: ImageContext, apks: readonly BuiltApk[]): TarEntry[] {
  const text = (path: string, content: string, mode = 0o644): TarEntry => ({ type: 'file', path, content: Buffer.from(content), mode });
  return [
    text('etc/apk/arch', `${arch}\n`),
    text(`etc/apk/keys/${ctx.apkKeyName}`, ctx.apkKeyPem),
    text('etc/apk/repositories', 'https://packages.vouch-sample.invalid/os\n'),
    text('etc/apk/world', `${[...ctx.world].sort().join('\n')}\n`),
    text('etc/group', 'root:x:0:\n'),
    text('etc/os-release', `ID=${DISTRO}\nNAME="vouch sample"\nPRETTY_NAME="vouch sample (TEST ONLY)"\nVERSION_ID=2025.06\nHOME_URL="${IMAGE_SOURCE}"\n`),
    text('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'),
    { type: 'symlink', path: 'lib/apk', target: '../usr/lib/apk' },
    text('usr/lib/apk/db/installed', installedDb(apks).toString()),
  ];
}

export function buildLayer(arch: string, apks: readonly BuiltApk[], ctx: ImageContext, mutation: LayerMutation = {}): Buffer {
  const files: TarEntry[] = baseFiles(arch, ctx, apks);
  for (const apk of apks) {
    for (const f of apk.files) {
      const replaced = mutation.replace?.[f.path];
      if (f.type === 'symlink') files.push({ type: 'symlink', path: f.path, target: f.target ?? '' });
      else files.push({ type: 'file', path: f.path, content: replaced === undefined ? f.content : Buffer.from(replaced), mode: f.mode });
    }
  }
  for (const extra of mutation.add ?? []) files.push({ type: 'file', path: extra.path, content: Buffer.from(extra.content), mode: extra.mode });
  const dirs = new Set(parentDirs(files.map((f) => f.path)));
  for (const d of ['dev', 'proc', 'root', 'tmp', 'var/cache/apk']) for (const p of [d, ...parentDirs([`${d}/x`])]) dirs.add(p);
  const dirEntries = [...dirs].map((path): TarEntry => ({ type: 'dir', path, mode: path === 'tmp' ? 0o1777 : path === 'root' ? 0o700 : 0o755 }));
  const entries = [...dirEntries, ...files].sort((a, b) => walkOrder(a.path, b.path));
  return writeTar(entries, { mtime: SOURCE_DATE_EPOCH, owner: '', endOfArchive: true });
}

export function buildPlatformImage(
  layout: LayoutBuilder,
  arch: { readonly apk: string; readonly oci: string },
  apks: readonly BuiltApk[],
  ctx: ImageContext,
  mutation: LayerMutation = {},
): PlatformImage {
  const tar = buildLayer(arch.apk, apks, ctx, mutation);
  const diffId = digestOf(tar);
  const layer = layout.add(MT.layerGzip, gzip(tar));
  const labels = {
    'org.opencontainers.image.created': BUILD_TIME,
    'org.opencontainers.image.revision': ctx.sourceCommit,
    'org.opencontainers.image.source': IMAGE_SOURCE,
  };
  const config = layout.addJson(MT.config, {
    architecture: arch.oci,
    author: 'github.com/chainguard-dev/apko',
    created: BUILD_TIME,
    history: [{ author: 'apko', created: BUILD_TIME, created_by: 'apko', comment: 'This is an apko single-layer image' }],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [diffId] },
    config: {
      Entrypoint: ['/usr/bin/hello'],
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'],
      Labels: labels,
    },
  });
  const manifestDoc = { schemaVersion: 2, mediaType: MT.manifest, config, layers: [layer], annotations: labels };
  const manifest = layout.addJson(MT.manifest, manifestDoc);
  const manifestBytes = layout.blob(manifest.digest) ?? Buffer.alloc(0);
  return { arch, manifest: { ...manifest, platform: { architecture: arch.oci, os: 'linux' } }, manifestBytes, layer, diffId, apks };
}

/** The multi-platform image index over the platform manifests. */
export function buildImageIndex(layout: LayoutBuilder, platforms: readonly PlatformImage[], sourceCommit: string): Descriptor {
  return layout.addJson(MT.index, {
    schemaVersion: 2,
    mediaType: MT.index,
    manifests: platforms.map((p) => p.manifest),
    annotations: {
      'org.opencontainers.image.created': BUILD_TIME,
      'org.opencontainers.image.revision': sourceCommit,
      'org.opencontainers.image.source': IMAGE_SOURCE,
    },
  });
}
