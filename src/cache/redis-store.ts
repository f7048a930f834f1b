/**
 * The shared verdict cache of several admission replicas: Redis through ioredis. One key per
 * verdict, `vouch:verdict:sha256:…`, written with SET … PX so Redis itself drops it at its TTL.
 *
 * Redis is an optimisation, never a dependency: commands fail at once while disconnected (no
 * offline queue) and after a short timeout when Redis hangs, and either is a miss, so the server
 * keeps verifying. A lost connection is logged once per outage. What Redis returns is read like
 * any untrusted input: at most the size cap is fetched (GETRANGE, never an unbounded GET), it must
 * be strict UTF-8, and the entry's own key, verdict, times and report are checked by entry.ts.
 * Stored value: one header line of JSON (key, verdict, storedAt, expiresAt), a newline, the report.
 */
import { Redis } from 'ioredis';
import { messageOf } from '../errors.js';
import { parseUntrustedJson } from '../evidence/json-depth.js';
import { entryFromStore, entryToStore, isCacheKey, MAX_CACHED_REPORT_BYTES } from './entry.js';
import type { RedisTarget } from './redis-url.js';
import type { CachedVerdict, VerdictCache, VerdictCacheOptions } from './types.js';

export const REDIS_KEY_PREFIX = 'vouch:verdict:';
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 1000;
/** Longest header line read back; the real one is under 200 bytes. */
const MAX_HEADER_BYTES = 1024;
const MAX_VALUE_BYTES = MAX_HEADER_BYTES + 1 + MAX_CACHED_REPORT_BYTES;

export interface RedisVerdictCacheOptions extends VerdictCacheOptions {
  readonly onWarning?: (message: string) => void;
  /** Longest wait for one command before it counts as a miss (default 500 ms). */
  readonly commandTimeoutMs?: number;
  /** Longest wait for a connection, at open and on every reconnect (default 1 s). */
  readonly connectTimeoutMs?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** ioredis's words for a connection that is closed or closing (a fixed list: linear, no input-driven pattern). */
const CONNECTION_LOST = /Connection is closed|ECONNRESET|ECONNREFUSED|EPIPE|Stream isn't writeable/;

class RedisVerdictCache implements VerdictCache {
  private down = false;
  private closing = false;
  private readonly warned = new Set<string>();

  constructor(
    private readonly client: Redis,
    private readonly target: RedisTarget,
    private readonly options: RedisVerdictCacheOptions,
  ) {
    // Without an 'error' listener ioredis prints every reconnect failure itself; one line an outage is enough.
    client.on('error', (err: unknown) => this.lost(messageOf(err)));
    // A server that shuts down cleanly closes the connection without an error.
    client.on('close', () => this.lost('connection closed'));
    client.on('ready', () => {
      this.down = false;
    });
  }

  async get(key: string, now: Date): Promise<CachedVerdict | undefined> {
    // Only keys of verdictCacheKey's form are ever sent to Redis as part of a key name.
    if (!isCacheKey(key)) return undefined;
    try {
      const raw = await this.client.getrangeBuffer(REDIS_KEY_PREFIX + key, 0, MAX_VALUE_BYTES);
      if (raw.length === 0 || raw.length > MAX_VALUE_BYTES) return undefined;
      return entryFromStore(key, decodeValue(raw), now, this.options);
    } catch (err) {
      this.failed('read', err);
      return undefined;
    }
  }

  async put(key: string, value: CachedVerdict, now: Date): Promise<void> {
    if (!isCacheKey(key)) return;
    try {
      const entry = entryToStore(key, value, now, this.options);
      // Not storable: whatever was stored for the key is superseded by this newer verification.
      if (typeof entry === 'string') {
        await this.client.del(REDIS_KEY_PREFIX + key);
        return;
      }
      const header = JSON.stringify({ key: entry.key, verdict: entry.verdict, storedAt: entry.storedAt, expiresAt: entry.expiresAt });
      await this.client.set(REDIS_KEY_PREFIX + key, `${header}\n${entry.reportJson}`, 'PX', entry.expiresAt - now.getTime());
    } catch (err) {
      this.failed('write', err);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    try {
      if (this.client.status === 'ready') await this.client.quit();
    } catch {
      // Closing is best effort; the connection is dropped below either way.
    }
    this.client.disconnect();
  }

  private lost(reason: string): void {
    if (this.down || this.closing) return;
    this.down = true;
    this.options.onWarning?.(`verdict cache ${this.target.redacted} is unreachable (${reason}); verifying without it until it is back`);
  }

  /** While disconnected the outage was already logged; other failures (timeouts, wrong types) once each. */
  private failed(what: 'read' | 'write', err: unknown): void {
    if (this.down || this.client.status !== 'ready') return;
    // A command can fail on a connection that is going away before ioredis has said so: that is
    // the outage itself (one warning), not a second kind of failure.
    if (CONNECTION_LOST.test(messageOf(err))) return this.lost(messageOf(err));
    const kind = `${what}:${messageOf(err).slice(0, 40)}`;
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.options.onWarning?.(`verdict cache ${this.target.redacted}: ${what} failed (${messageOf(err)}); verifying without the cache`);
  }
}

/** The header and report of a stored value, or undefined when it is not in that form or not UTF-8. */
function decodeValue(raw: Buffer): Record<string, unknown> | undefined {
  const newline = raw.indexOf(0x0a);
  if (newline < 0 || newline > MAX_HEADER_BYTES) return undefined;
  let header: unknown;
  let reportJson: string;
  try {
    header = parseUntrustedJson(utf8.decode(raw.subarray(0, newline)), 'a cached entry header');
    reportJson = utf8.decode(raw.subarray(newline + 1));
  } catch {
    return undefined;
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return undefined;
  return { ...(header as Record<string, unknown>), reportJson };
}

/**
 * Connects to Redis and returns the store once connected, or once the connect timeout has passed
 * (with a warning; it keeps reconnecting in the background and every lookup until then is a miss).
 */
export async function openRedisVerdictCache(target: RedisTarget, options: RedisVerdictCacheOptions): Promise<VerdictCache> {
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS;
  const client = new Redis({
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    // rediss: TLS with the system's CAs and the host name checked (node's defaults).
    ...(target.tls ? { tls: { servername: target.host } } : {}),
    lazyConnect: true,
    connectTimeout,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  });
  const cache = new RedisVerdictCache(client, target, options);
  // connectTimeout ends a TCP connect that hangs; the timer here also bounds TLS and the ready check.
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, connectTimeout);
    timer.unref();
  });
  await Promise.race([client.connect().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  return cache;
}
