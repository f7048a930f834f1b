import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { Logger } from '../../../context.js';
import { NO_PROGRESS, startProgress } from '../../../progress.js';
import type { ProgressSink } from '../../../progress.js';
import { VouchError, fail, isVouchError } from '../../../errors.js';
import type { ImageCore, ReferrersResult } from '../core.js';
import type { Digest } from '../digest.js';
import { checkBytes, readCapped, sha256Digest, verifyingStream } from '../digest.js';
import type { Descriptor, RawManifest } from '../manifest.js';
import { parseManifest } from '../manifest.js';
import { layerCompression, MANIFEST_MEDIA_TYPES, MEDIA } from '../media-types.js';
import type { Credentials } from './credentials.js';
import type { HttpResponse, RegistryHttp } from './http.js';
import { discard, header } from './http.js';
import { CREDENTIAL_HINTS as HINTS, RegistrySession } from './session.js';

export interface RegistryTarget {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

export { isLoopbackHost } from './session.js';

/** An image in a registry, spoken to through the OCI Distribution API. */
export class RegistryCore implements ImageCore {
  readonly name: string;
  private readonly base: string;
  private readonly session: RegistrySession;

  constructor(
    private readonly target: RegistryTarget,
    private readonly http: RegistryHttp,
    credentials: Credentials | undefined,
    allowHttp: boolean,
    private readonly maxDocumentBytes: number,
    log: Logger,
    private readonly progress?: ProgressSink,
  ) {
    this.session = new RegistrySession(target, http, credentials, allowHttp, log, 'pull');
    this.base = this.session.base;
    this.name = this.session.name;
  }

  async root(): Promise<RawManifest> {
    const ref = this.target.digest ?? this.target.tag ?? 'latest';
    const found = await this.getManifest(ref, this.target.digest);
    if (!found) return fail('NOT_FOUND', `${this.name}: no manifest ${ref}`, { hints: ['check the tag or digest, and that you may pull this repository'] });
    return found;
  }

  async manifest(descriptor: Descriptor): Promise<RawManifest | undefined> {
    const raw = await this.getManifest(descriptor.digest, descriptor.digest, descriptor.size);
    return raw && { ...raw, descriptorMediaType: descriptor.mediaType };
  }

  tag(tag: string): Promise<RawManifest | undefined> {
    return this.getManifest(tag, undefined);
  }

  async blob(descriptor: Descriptor): Promise<Readable> {
    const res = await this.get(`${this.base}/blobs/${descriptor.digest}`, {}, descriptor.size);
    if (res.status === 404) {
      await discard(res);
      fail('NOT_FOUND', `${this.name}: blob ${descriptor.digest} is missing from the registry`);
    }
    await this.expectOk(res, `blob ${descriptor.digest}`);
    const what = `${this.name} blob ${descriptor.digest}`;
    // A layer's download is reported by the layer reader, whose compressed bytes are these bytes
    // (one line for one read); any other blob (config, signature, attestation) is a download.
    const progress = layerCompression(descriptor.mediaType) === undefined ? startProgress(this.progress, 'download', what, descriptor.size) : NO_PROGRESS;
    const verifying = verifyingStream(descriptor.digest, descriptor.size, what, progress);
    // A connection that breaks mid-blob is a network failure, not malformed content: the stream
    // the readers consume fails with NETWORK (registered before pipeline(), whose own destroy with
    // the raw socket error then finds the stream already errored). No extra stream stage.
    // A deadline that passed arrives as its own NETWORK error, which names the host already.
    res.body.once('error', (err: Error) =>
      verifying.destroy(isVouchError(err) ? err : new VouchError({ code: 'NETWORK', message: `${what}: the connection broke while reading: ${err.message}`, cause: err })),
    );
    return pipeline(res.body, verifying, () => undefined);
  }

  async referrers(digest: Digest): Promise<ReferrersResult> {
    const res = await this.get(`${this.base}/referrers/${digest}`, { accept: MEDIA.ociIndex });
    // Registries without the API answer 404 (distribution 2.8); some answer 400 or 405.
    if (res.status === 404 || res.status === 400 || res.status === 405) {
      await discard(res);
      return { kind: 'unsupported' };
    }
    await this.expectOk(res, `referrers of ${digest}`);
    const bytes = await readCapped(res.body, this.maxDocumentBytes, `${this.name} referrers of ${digest}`, 'NETWORK');
    const parsed = parseManifest({ bytes, digest: sha256Digest(bytes), mediaType: MEDIA.ociIndex }, `${this.name} referrers of ${digest}`);
    if (parsed.kind !== 'index') return fail('INPUT_MALFORMED', `${this.name}: referrers response is not an index`);
    return { kind: 'list', manifests: parsed.manifests };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Fetches a manifest, buffered under the document cap and checked: by digest against that
   * digest; by tag against the Docker-Content-Digest header when the registry sends one.
   */
  private async getManifest(ref: string, digest: Digest | undefined, size?: number): Promise<RawManifest | undefined> {
    const res = await this.get(`${this.base}/manifests/${ref}`, { accept: MANIFEST_MEDIA_TYPES.join(', ') });
    if (res.status === 404) {
      await discard(res);
      return undefined;
    }
    await this.expectOk(res, `manifest ${ref}`);
    const bytes = await readCapped(res.body, this.maxDocumentBytes, `${this.name} manifest ${ref}`, 'NETWORK');
    const what = `${this.name} manifest ${ref}`;
    const computed = sha256Digest(bytes);
    if (digest) checkBytes(bytes, digest, size, what);
    const claimed = header(res.headers, 'docker-content-digest');
    if (claimed && claimed.startsWith('sha256:') && claimed !== computed) {
      fail('DIGEST_MISMATCH', `${what}: the registry says ${claimed} but the content is ${computed}`);
    }
    const contentType = header(res.headers, 'content-type');
    return { bytes, digest: computed, ...(contentType ? { mediaType: contentType } : {}) };
  }

  private get(url: string, headers: Record<string, string>, expectedSize?: number): Promise<HttpResponse> {
    return this.session.send({ method: 'GET', url, headers, ...(expectedSize !== undefined && { expectedSize }) });
  }

  private async expectOk(res: HttpResponse, what: string): Promise<void> {
    if (res.status === 200) return;
    await discard(res);
    if (res.status === 401 || res.status === 403) fail('UNAUTHORIZED', `${this.name}: access denied to ${what} (HTTP ${res.status})`, { hints: HINTS });
    if (res.status === 429 || res.status >= 500) fail('NETWORK', `${this.name}: ${what}: the registry answered HTTP ${res.status} after retries`);
    fail('NETWORK', `${this.name}: ${what}: unexpected HTTP ${res.status}`);
  }
}
