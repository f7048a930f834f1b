import type { Readable } from 'node:stream';
import type { Dispatcher, request as undiciRequest } from 'undici';
import type { Logger } from '../../../context.js';
import { VouchError, fail } from '../../../errors.js';
import { DEFAULT_DEADLINES, RequestDeadline, hostOf, seconds, waitOrAbort } from '../../net/deadline.js';
import type { NetworkDeadlines } from '../../net/deadline.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable & { dump?(): Promise<void> };
  /** The URL that answered (after redirects). */
  readonly url: string;
  /** True when a redirect led there: such a response never gets credentials (see RegistryCore). */
  readonly redirected: boolean;
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** The body's size when known beforehand (a blob's descriptor): large bodies get more time. */
  readonly expectedSize?: number;
}

export interface RetryPolicy {
  /** Attempts after the first one, for 429, 5xx and connection errors. */
  readonly retries: number;
  /** First backoff; doubled each attempt. */
  readonly baseDelayMs: number;
  /** Longest wait vouch accepts (Retry-After included); a longer demand fails instead of hanging. */
  readonly maxDelayMs: number;
  /** All waits between the attempts of one request together; the next that would pass it fails. */
  readonly totalDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 30_000, totalDelayMs: 60_000 };
const MAX_REDIRECTS = 5;
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * HTTP for registries: undici with HTTPS_PROXY/NO_PROXY from the environment, retries with
 * exponential backoff on 429 and 5xx honouring Retry-After up to a cap and a total, a deadline on
 * every request (headers, then the whole body) and on the command, and redirects followed by hand
 * so that no Authorization header follows any redirect (blob storage, CDNs, another host's realm).
 */
export class RegistryHttp {
  private client: Promise<{ dispatcher: Dispatcher; request: typeof undiciRequest }> | undefined;

  constructor(
    private readonly log: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly signal?: AbortSignal,
    private readonly deadlines: NetworkDeadlines = DEFAULT_DEADLINES,
  ) {}

  /** undici, loaded on the first request: a large library that local layouts and archives never need. */
  private undici(): Promise<{ dispatcher: Dispatcher; request: typeof undiciRequest }> {
    this.client ??= import('undici').then(({ EnvHttpProxyAgent, request }) => ({
      // Idle timeouts as a backstop only; RequestDeadline bounds each request's total time.
      dispatcher: new EnvHttpProxyAgent({ connect: { timeout: this.deadlines.headersMs }, headersTimeout: this.deadlines.headersMs, bodyTimeout: this.deadlines.bodyMs }),
      request,
    }));
    return this.client;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers: Record<string, string> = { ...(req.headers ?? {}) };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await this.sendWithRetry({ ...req, url, headers }, hop > 0);
      if (![301, 302, 303, 307, 308].includes(res.status)) return res;
      const location = header(res.headers, 'location');
      await discard(res);
      if (!location) fail('NETWORK', `${redact(url)}: redirect without a Location`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') fail('NETWORK', `${redact(url)}: redirect to unsupported scheme ${next.protocol}`);
      if (new URL(url).protocol === 'https:' && next.protocol === 'http:') fail('NETWORK', `${redact(url)}: refusing a redirect from HTTPS to plain HTTP`);
      // Credentials belong to the registry; blob storage gets signed URLs, never our token. As in
      // Docker and go-containerregistry, no redirect carries it, not even one to the same origin:
      // whatever answers there is not what the credentials were configured for.
      headers = withoutAuth(headers);
      url = next.toString();
    }
    return fail('NETWORK', `${redact(req.url)}: more than ${MAX_REDIRECTS} redirects`);
  }

  private async sendWithRetry(req: HttpRequest & { headers: Record<string, string> }, redirected: boolean): Promise<HttpResponse> {
    const host = hostOf(req.url);
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      const deadline = new RequestDeadline(host, this.deadlines, this.signal);
      try {
        const { dispatcher, request } = await this.undici();
        const r = await request(req.url, {
          method: req.method,
          headers: req.headers,
          ...(req.body !== undefined ? { body: req.body } : {}),
          dispatcher,
          signal: deadline.signal,
        });
        deadline.headersArrived(req.expectedSize);
        r.body.once('close', () => deadline.done());
        res = { status: r.statusCode, headers: r.headers, body: r.body, url: req.url, redirected };
      } catch (err) {
        deadline.done();
        // A deadline that passed is not retried: the next attempt would wait as long again. Nor is
        // a name that does not resolve or a connection refused: seconds of retries would not
        // change either, and the person waiting should hear at once.
        const permanent = permanentConnectionError(err);
        if (permanent !== undefined) {
          throw new VouchError({
            code: 'NETWORK',
            message: `${redact(req.url)}: ${permanent}`,
            cause: err,
            hints: ['check the registry name and that it is reachable from here (HTTPS_PROXY/NO_PROXY are honoured)', 'a local OCI layout is named oci:DIR[:TAG], a docker save archive docker-archive:FILE'],
          });
        }
        if (attempt >= this.retry.retries || deadline.expired !== undefined) {
          throw new VouchError({
            code: 'NETWORK',
            message: `${redact(req.url)}: ${deadline.expired ?? (err as Error).message} (after ${attempt + 1} attempt${attempt === 0 ? '' : 's'})`,
            cause: err,
            hints: ['check that the registry is reachable (HTTPS_PROXY/NO_PROXY are honoured)'],
          });
        }
        waited = await this.wait(this.backoff(attempt), waited, req.url, `connection failed: ${(err as Error).message}`);
        continue;
      }
      if (!RETRY_STATUS.has(res.status) || attempt >= this.retry.retries) return res;
      const delay = retryAfterMs(res.headers) ?? this.backoff(attempt);
      await discard(res);
      if (delay > this.retry.maxDelayMs) {
        fail('NETWORK', `${redact(req.url)}: the registry answered ${res.status} and asked to wait ${Math.ceil(delay / 1000)} s`, {
          hints: ['try again later; the registry is rate limiting or unavailable'],
        });
      }
      waited = await this.wait(delay, waited, req.url, `HTTP ${res.status}`);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.retry.baseDelayMs * 2 ** attempt, this.retry.maxDelayMs);
  }

  /** Waits before the next attempt, within the request's total waiting budget; returns the new total. */
  private async wait(ms: number, waited: number, url: string, why: string): Promise<number> {
    if (waited + ms > this.retry.totalDelayMs) {
      fail('NETWORK', `${redact(url)}: ${why}; giving up after ${seconds(waited)} of retries (at most ${seconds(this.retry.totalDelayMs)})`, {
        hints: ['try again later; the registry is rate limiting or unavailable'],
      });
    }
    this.log.debug(`${redact(url)}: ${why}; retrying in ${ms} ms`);
    await waitOrAbort(ms, hostOf(url), this.signal);
    return waited + ms;
  }

  async close(): Promise<void> {
    // A client that never loaded has nothing to close; its failure was reported by the request.
    const client = await this.client?.catch(() => undefined);
    await client?.dispatcher.close();
  }
}

export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Retry-After in milliseconds: delta-seconds, or an HTTP-date measured against the response's own
 * Date header (never the local clock, which may be skewed or pinned by --effective-time).
 */
export function retryAfterMs(headers: HttpResponse['headers']): number | undefined {
  const value = header(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  const date = Date.parse(header(headers, 'date') ?? '');
  if (Number.isNaN(at) || Number.isNaN(date)) return undefined;
  return Math.max(0, at - date);
}

export async function discard(res: HttpResponse): Promise<void> {
  try {
    if (res.body.dump) await res.body.dump();
    else res.body.destroy();
  } catch {
    // The body is unwanted; a broken connection here changes nothing.
  }
}

function withoutAuth(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

/** URLs in messages lose their query strings: signed blob URLs carry credentials there. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/**
 * Connection errors that retrying cannot fix within a command's time: the host name does not
 * resolve (ENOTFOUND; EAI_AGAIN is a temporary DNS failure and is retried) or nothing listens on
 * the port (ECONNREFUSED). undici puts the system error on the error or on its cause.
 */
function permanentConnectionError(err: unknown): string | undefined {
  const codes = [(err as NodeJS.ErrnoException | undefined)?.code, ((err as { cause?: NodeJS.ErrnoException } | undefined)?.cause)?.code];
  if (codes.includes('ENOTFOUND')) return 'the host name does not resolve (DNS: not found)';
  if (codes.includes('ECONNREFUSED')) return 'the connection was refused: nothing listens there';
  return undefined;
}
