import type { RunContext } from '../../context.js';
import { fail } from '../../errors.js';
import type { ImageCore } from './core.js';
import type { Digest } from './digest.js';
import { DirCore } from './dir.js';
import { DockerArchiveCore } from './docker-archive.js';
import type { Descriptor, ParsedManifest, Platform } from './manifest.js';
import { parseManifest } from './manifest.js';
import { OciLayoutCore } from './oci-layout.js';
import { formatPlatform, selectPlatform } from './platform.js';
import type { ImageReference } from './reference.js';
import { RegistryCore } from './registry/core.js';
import { findCredentials } from './registry/credentials.js';
import { RegistryHttp } from './registry/http.js';
import type { RetryPolicy } from './registry/http.js';
import type { NetworkDeadlines } from '../net/deadline.js';

export interface SourceOptions {
  readonly username?: string;
  readonly password?: string;
  readonly allowHttp: boolean;
  readonly maxDocumentBytes: number;
  readonly retry?: RetryPolicy;
  /** Per-request deadlines (default DEFAULT_DEADLINES); the command's deadline is ctx.signal. */
  readonly deadlines?: NetworkDeadlines;
  readonly dockerConfigDir?: string;
}

/** Opens the store a reference names; nothing is fetched yet. */
export async function openImageSource(ref: ImageReference, opts: SourceOptions, ctx: RunContext): Promise<ImageCore> {
  switch (ref.kind) {
    case 'oci-layout':
      return new OciLayoutCore(ref.dir, { ...(ref.tag !== undefined ? { tag: ref.tag } : {}), ...(ref.digest ? { digest: ref.digest } : {}) }, opts.maxDocumentBytes);
    case 'docker-archive':
      return new DockerArchiveCore(ref.file, opts.maxDocumentBytes);
    case 'dir':
      return new DirCore(ref.dir, opts.maxDocumentBytes);
    case 'registry': {
      const creds = await findCredentials(
        ref.registry,
        { ...(opts.username !== undefined ? { username: opts.username } : {}), ...(opts.password !== undefined ? { password: opts.password } : {}), ...(opts.dockerConfigDir ? { dockerConfigDir: opts.dockerConfigDir } : {}) },
        ctx.log,
      );
      const http = new RegistryHttp(ctx.log, opts.retry, ctx.signal, opts.deadlines);
      return new RegistryCore(ref, http, creds, opts.allowHttp, opts.maxDocumentBytes, ctx.log, ctx.progress);
    }
  }
}

/** The image to check: the platform manifest, and the index it was resolved from when there was one. */
export interface ResolvedImage {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
  readonly manifest: Extract<ParsedManifest, { kind: 'image' }>;
  readonly index?: { readonly digest: Digest; readonly mediaType: string; readonly manifests: readonly Descriptor[] };
  readonly platform?: string;
  /** The manifest was synthesized (legacy docker archive): layers must be checked against diff_ids. */
  readonly synthesized: boolean;
}

/** Resolves the root manifest to one image manifest, following an index to the wanted platform. */
export async function resolveImage(core: ImageCore, platform: Platform): Promise<ResolvedImage> {
  const root = await core.root();
  const parsed = parseManifest(root, `${core.name} ${root.digest}`);
  if (parsed.kind === 'image') {
    core.confirmImage?.(parsed);
    return { digest: root.digest, mediaType: parsed.mediaType, size: root.bytes.length, manifest: parsed, synthesized: root.synthesized === true };
  }
  const entry = selectPlatform(parsed.manifests, platform, `${core.name} ${root.digest}`);
  const raw = await core.manifest(entry);
  if (!raw) return fail('NOT_FOUND', `${core.name}: the index names ${entry.digest} (${formatPlatform(platform)}), which is missing`);
  const child = parseManifest(raw, `${core.name} ${entry.digest}`);
  if (child.kind !== 'image') return fail('UNSUPPORTED_FORMAT', `${core.name}: nested indexes are not supported (${entry.digest})`);
  core.confirmImage?.(child);
  return {
    digest: entry.digest,
    mediaType: child.mediaType,
    size: raw.bytes.length,
    manifest: child,
    index: { digest: root.digest, mediaType: parsed.mediaType, manifests: parsed.manifests },
    platform: formatPlatform(entry.platform ?? platform),
    synthesized: false,
  };
}
