import type { Dispatcher, request as undiciRequest } from 'undici';
import { fail, messageOf } from '../../errors.js';
import { NO_PROGRESS, startProgress } from '../../progress.js';
import type { ProgressSink, ProgressTask } from '../../progress.js';
import { openInputChunks } from '../local-file.js';
import { DEFAULT_DEADLINES, RequestDeadline, hostOf } from '../net/deadline.js';
import type { NetworkDeadlines } from '../net/deadline.js';

/** An opened input: a byte stream and where it came from. */
export interface OpenedSource {
  /** The bytes; a chunk may be reused once the next one is asked for (copy what you keep). */
  readonly stream: AsyncIterable<Uint8Array>;
  /** The location as given (file path or URL without credentials). */
  readonly location: string;
  /** Declared length when known (Content-Length, file size). */
  readonly size?: number;
}

export function isHttpUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

let dispatcher: Dispatcher | undefined;

/**
 * One shared agent with bounded redirects and retries on transient server errors. undici is
 * loaded here, on the first download: it is a large library, and most runs read local files.
 */
async function agent(): Promise<{ dispatcher: Dispatcher; request: typeof undiciRequest }> {
  const { Agent, interceptors, request } = await import('undici');
  // Idle timeouts as a backstop; RequestDeadline bounds each download's total time.
  dispatcher ??= new Agent({ connectTimeout: DEFAULT_DEADLINES.headersMs, headersTimeout: DEFAULT_DEADLINES.headersMs, bodyTimeout: DEFAULT_DEADLINES.bodyMs }).compose(
    interceptors.redirect({ maxRedirections: 5 }),
    interceptors.retry({ maxRetries: 2, statusCodes: [429, 500, 502, 503, 504], minTimeout: 200, maxTimeout: 2000 }),
  );
  return { dispatcher, request };
}

/** A URL for messages: never the userinfo part. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Local packages and indexes are read in 1 MiB chunks through one reused buffer: every chunk costs
 * a fixed amount on its way through the gzip member reader, zlib and the tar reader, and 1 MiB
 * measured up to 40% cheaper than 64 KiB on large packages (docs/performance.md). A chunk is valid
 * until the next is read: the readers copy what they keep (signature and control segments).
 */
const FILE_CHUNK = 1024 * 1024;

/**
 * Opens a local file or an http(s) URL as a byte stream, without reading it whole. A missing
 * file or a 404 is NOT_FOUND; other failures are INPUT_UNREADABLE (files) or NETWORK (http).
 * A download has a total deadline (headers, then the body by its declared size) besides `signal`.
 * The bytes read are reported to `progress` (a file, or a download) as they are consumed.
 */
export async function openSource(location: string, ctx: SourceContext = {}, deadlines: NetworkDeadlines = DEFAULT_DEADLINES): Promise<OpenedSource> {
  const { signal } = ctx;
  if (isHttpUrl(location)) return openUrl(location, ctx, deadlines);
  const { stream, size } = await openInputChunks(location, { what: 'file', missing: 'NOT_FOUND', chunkBytes: FILE_CHUNK, ...(signal && { signal }) });
  const progress = startProgress(ctx.progress, 'file', location, size);
  // Unwatched, the chunks go straight to the reader: no extra step on the hot path.
  return { stream: progress === NO_PROGRESS ? stream : counted(stream, progress), location, size };
}

/** What opening a source needs of the run: its signal, and where progress goes. */
export interface SourceContext {
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
}

async function* counted(stream: AsyncIterable<Uint8Array>, progress: ProgressTask): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    progress.bytes(chunk.length);
    yield chunk;
  }
  progress.end();
}

async function openUrl(url: string, ctx: SourceContext, deadlines: NetworkDeadlines): Promise<OpenedSource> {
  const { signal } = ctx;
  const shown = displayUrl(url);
  const deadline = new RequestDeadline(hostOf(url), deadlines, signal);
  let response: Dispatcher.ResponseData;
  try {
    const { dispatcher, request } = await agent();
    response = await request(url, { dispatcher, method: 'GET', signal: deadline.signal });
  } catch (err) {
    deadline.done();
    return fail('NETWORK', `cannot fetch ${shown}: ${deadline.expired ?? messageOf(err)}`, { cause: err });
  }
  const { statusCode, body, headers } = response;
  const length = Number(headers['content-length']);
  deadline.headersArrived(Number.isSafeInteger(length) ? length : undefined);
  body.once('close', () => deadline.done());
  if (statusCode !== 200) {
    body.resume();
    if (statusCode === 404 || statusCode === 410) fail('NOT_FOUND', `${shown} answered ${statusCode}`);
    if (statusCode === 401 || statusCode === 403) fail('UNAUTHORIZED', `${shown} answered ${statusCode}`);
    fail('NETWORK', `${shown} answered HTTP ${statusCode}`);
  }
  const progress = startProgress(ctx.progress, 'download', shown, Number.isSafeInteger(length) ? length : undefined);
  return { stream: wrapNetworkErrors(body, shown, deadline, progress), location: shown, ...(Number.isSafeInteger(length) ? { size: length } : {}) };
}

async function* wrapNetworkErrors(body: AsyncIterable<Uint8Array>, shown: string, deadline: RequestDeadline, progress: ProgressTask): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) {
      progress.bytes(chunk.length);
      yield chunk;
    }
    progress.end();
  } catch (err) {
    fail('NETWORK', `download of ${shown} failed: ${deadline.expired ?? messageOf(err)}`, { cause: err });
  } finally {
    deadline.done();
  }
}

/** Joins a repository base (URL or directory) with a relative path. */
export function repositoryPath(repository: string, ...parts: string[]): string {
  const base = repository.replace(/\/+$/, '');
  return [base, ...parts.map((p) => encodeURIComponentIf(isHttpUrl(base), p))].join('/');
}

function encodeURIComponentIf(http: boolean, part: string): string {
  return http ? part.split('/').map(encodeURIComponent).join('/') : part;
}
