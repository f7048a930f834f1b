/**
 * Writing to a registry, for what vouch attaches (a VSA): blobs by digest, manifests by digest or
 * tag. It goes through the same RegistryHttp as reading (deadlines on every request and on the
 * command, retries, no credentials across redirects) and asks for `pull,push` scope. Credentials
 * go only to the registry itself and to the token realm its own challenge names; a redirected
 * request that asks for credentials gets none.
 */
import type { Logger } from '../../../context.js';
import { fail } from '../../../errors.js';
import type { Digest } from '../digest.js';
import { readCapped, sha256Digest } from '../digest.js';
import { MANIFEST_MEDIA_TYPES, MEDIA } from '../media-types.js';
import type { RegistryTarget } from './core.js';
import type { Credentials } from './credentials.js';
import type { HttpRequest, HttpResponse, RegistryHttp } from './http.js';
import { discard, header } from './http.js';
import { CREDENTIAL_HINTS as HINTS, RegistrySession } from './session.js';

export class RegistryPusher {
  readonly name: string;
  private readonly base: string;
  private readonly plainHttp: boolean;
  private readonly session: RegistrySession;

  constructor(
    target: Pick<RegistryTarget, 'registry' | 'repository'>,
    private readonly http: RegistryHttp,
    credentials: Credentials | undefined,
    allowHttp: boolean,
    private readonly maxDocumentBytes: number,
    log: Logger,
  ) {
    this.session = new RegistrySession(target, http, credentials, allowHttp, log, 'pull,push');
    this.base = this.session.base;
    this.plainHttp = this.session.plainHttp;
    this.name = this.session.name;
  }

  /** Whether the registry serves the OCI 1.1 referrers API (distribution 2.8 answers 404). */
  async hasReferrersApi(digest: Digest): Promise<boolean> {
    const res = await this.send({ method: 'GET', url: `${this.base}/referrers/${digest}`, headers: { accept: MEDIA.ociIndex } });
    await discard(res);
    if (res.status === 200) return header(res.headers, 'content-type')?.startsWith(MEDIA.ociIndex) ?? false;
    if (res.status === 404 || res.status === 400 || res.status === 405) return false;
    return this.unexpected(res, `referrers of ${digest}`);
  }

  /** Uploads a blob unless the registry has it already (monolithic upload: POST, then PUT). */
  async putBlob(bytes: Buffer): Promise<Digest> {
    const digest = sha256Digest(bytes);
    const head = await this.send({ method: 'HEAD', url: `${this.base}/blobs/${digest}` });
    await discard(head);
    if (head.status === 200) return digest;
    const start = await this.send({ method: 'POST', url: `${this.base}/blobs/uploads/` });
    await discard(start);
    if (start.status !== 202) return this.unexpected(start, 'blob upload');
    const location = header(start.headers, 'location');
    if (!location) fail('NETWORK', `${this.name}: the blob upload answer has no Location`);
    const url = new URL(location, this.base);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.plainHttp)) fail('NETWORK', `${this.name}: the registry sent the upload to ${url.protocol}, which this registry may not use`);
    url.searchParams.set('digest', digest);
    // Credentials belong to the registry's own host: an upload location on another host (storage
    // behind a proxy, or wherever a hostile registry points) gets the blob, never the credentials.
    const sameHost = url.host === new URL(this.base).host;
    const put = await this.send({ method: 'PUT', url: url.toString(), headers: { 'content-type': 'application/octet-stream' }, body: bytes }, sameHost);
    await discard(put);
    if (put.status !== 201) return this.unexpected(put, `blob ${digest}`);
    return digest;
  }

  /** PUTs a manifest; returns the registry's OCI-Subject header (set when it indexed the subject). */
  async putManifest(ref: string, bytes: Buffer, mediaType: string): Promise<{ digest: Digest; ociSubject?: string }> {
    const res = await this.send({ method: 'PUT', url: `${this.base}/manifests/${ref}`, headers: { 'content-type': mediaType }, body: bytes });
    await discard(res);
    if (res.status !== 201) return this.unexpected(res, `manifest ${ref}`);
    const subject = header(res.headers, 'oci-subject');
    return { digest: sha256Digest(bytes), ...(subject !== undefined && { ociSubject: subject }) };
  }

  /** A manifest by tag, or undefined when the tag does not exist; capped like every document. */
  async getManifest(tag: string): Promise<Buffer | undefined> {
    const res = await this.send({ method: 'GET', url: `${this.base}/manifests/${tag}`, headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') } });
    if (res.status === 404) {
      await discard(res);
      return undefined;
    }
    if (res.status !== 200) return this.unexpected(res, `manifest ${tag}`);
    return readCapped(res.body, this.maxDocumentBytes, `${this.name} manifest ${tag}`, 'NETWORK');
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** Without credentials for an upload location on another host (see upload). */
  private send(req: HttpRequest, credentials = true): Promise<HttpResponse> {
    return credentials ? this.session.send(req) : this.http.send(req);
  }

  private async unexpected(res: HttpResponse, what: string): Promise<never> {
    await discard(res);
    if (res.status === 401 || res.status === 403) fail('UNAUTHORIZED', `${this.name}: ${what}: push denied (HTTP ${res.status})`, { hints: HINTS });
    return fail('NETWORK', `${this.name}: ${what}: unexpected HTTP ${res.status}`);
  }
}
