/**
 * `vouch serve`: the HTTPS server (node:https; docs/adr/admission-server-https.md says why not a
 * framework). Routes: POST /validate, POST /mutate (AdmissionReview v1), GET /healthz, /readyz,
 * /metrics. Every request body is capped and must arrive within a deadline; every answer is
 * given within --timeout, a denial when verification could not finish.
 */
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VerdictCache } from '../cache/types.js';
import type { Logger } from '../context.js';
import { jsonDepthProblem } from '../evidence/json-depth.js';
import type { ServeConfig } from './config.js';
import { budget } from './deadline.js';
import { imageJudge } from './judge-image.js';
import type { ImageDecision } from './judge-image.js';
import { endpointLabel, serveMetrics } from './metrics.js';
import type { ServeMetrics } from './metrics.js';
import { mutate, readReview, reviewOf, validate } from './review.js';
import type { ReviewRequest } from './review.js';
import { watchCertificate } from './tls-reload.js';

/** An AdmissionReview carries the object and the old object; the API server caps each near 3 MiB. */
export const MAX_REVIEW_BYTES = 8 * 1024 * 1024;
/** Kubernetes objects are shallow; a deeper document is not one. */
export const MAX_REVIEW_DEPTH = 64;
export const DEFAULT_SERVE_TIMEOUT_MS = 8_000;

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly config: ServeConfig;
  readonly cache: VerdictCache;
  readonly timeoutMs: number;
  readonly allowHttp: boolean;
  readonly clock: () => Date;
  readonly log: Logger;
  /** One structured line per image decision. */
  readonly decisionLog: (record: Readonly<Record<string, unknown>>) => void;
  /** How often the certificate files are checked for rotation (default 10 s). */
  readonly certPollMs?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly metrics: ServeMetrics;
  /** Stops accepting, answers what is in flight, then closes (readyz turns 503 at once). */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const metrics = serveMetrics();
  const judge = imageJudge({
    config: options.config,
    cache: options.cache,
    timeoutMs: options.timeoutMs,
    platform: options.config.platform,
    allowHttp: options.allowHttp,
    clock: options.clock,
    onVerified: (seconds, v) => {
      metrics.verification.observe({ result: v.kind }, seconds);
      if (v.kind === 'error' && v.code !== 'CONTENTS_REQUIRED') metrics.registryErrors.inc();
      if (v.vsa) metrics.vsa.inc({ result: v.vsa.used ? 'used' : 'not_used' });
    },
  });
  const tls = await watchCertificate(options.certFile, options.keyFile, options.certPollMs ?? 10_000, options.log);
  let closing = false;

  const server: Server = createServer({ ...tls.initial, minVersion: 'TLSv1.2' }, (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    res.on('finish', () => metrics.requests.inc({ endpoint: endpointLabel(path), code: String(res.statusCode) }));
    route(path, req, res).catch((err: unknown) => send(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });
  tls.onChange((context) => server.setSecureContext(context));
  // A client that sends its request slowly holds a socket: the whole request must arrive in time.
  server.headersTimeout = 5_000;
  server.requestTimeout = options.timeoutMs + 2_000;

  async function route(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/readyz') return closing ? send(res, 503, { status: 'shutting down' }) : send(res, 200, { status: 'ready' });
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    if (path !== '/validate' && path !== '/mutate') return send(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST an AdmissionReview' });
    const started = performance.now();
    const body = await readBody(req);
    if (typeof body === 'number') return send(res, body, { error: body === 413 ? `request body over ${MAX_REVIEW_BYTES} bytes` : 'request body not JSON' });
    const review = readReview(body);
    if (typeof review === 'string') return send(res, 400, { error: review });
    const deadline = budget(options.timeoutMs);
    const ctx = { now: options.clock(), log: options.log, signal: deadline.signal };
    try {
      if (path === '/mutate') return send(res, 200, reviewOf(await mutate(review, judge, ctx)));
      const { response, decisions } = await validate(review, judge, ctx);
      record(review, decisions, response.allowed, performance.now() - started);
      return send(res, 200, reviewOf(response));
    } finally {
      deadline.dispose();
    }
  }

  function record(review: ReviewRequest, decisions: readonly ImageDecision[], allowed: boolean, ms: number): void {
    if (decisions.length === 0) metrics.decisions.inc({ outcome: allowed ? 'allow' : 'deny' });
    for (const d of decisions) {
      metrics.decisions.inc({ outcome: d.verdict });
      if (d.cache !== 'none') metrics.cache.inc({ result: d.cache });
      options.decisionLog({
        uid: review.uid,
        namespace: review.namespace ?? '',
        kind: review.kind,
        name: review.name ?? '',
        dryRun: review.dryRun,
        image: d.image,
        digest: d.digest ?? '',
        verdict: d.verdict,
        rule: d.rule,
        message: d.message,
        cache: d.cache,
        ...(d.vsa && { vsa: d.vsa.used ? 'used' : 'not used', vsaReason: d.vsa.reason }),
        durationMs: Math.round(ms),
      });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    metrics,
    async close(graceMs = options.timeoutMs + 1_000) {
      closing = true;
      tls.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests in flight are answered (each within its own deadline); after the grace period
      // whatever is still open is cut.
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** The parsed JSON body, or the HTTP status that refuses it (413 too large, 400 not JSON). */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_REVIEW_BYTES) return 413;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REVIEW_BYTES) return 413;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (jsonDepthProblem(text, MAX_REVIEW_DEPTH) !== undefined) return 400;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return 400;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // After a refused body the rest of it may still be arriving: the connection is not reused.
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(status === 413 && { connection: 'close' }) });
  res.end(text);
}
