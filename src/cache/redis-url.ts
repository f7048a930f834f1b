/**
 * `--cache redis://…` / `rediss://…` read by vouch, not by the Redis client. ioredis would take
 * options from the URL's query string (`?commandTimeout=…`, `?tls=…`) over vouch's own, so a URL
 * could lift the short timeouts that keep a dead Redis from stalling admission: query strings are
 * refused, and only host, port, database and credentials are taken. The credentials go to that
 * host only and never appear in a message: `redacted` names the server without them.
 */
import { fail } from '../errors.js';

export interface RedisTarget {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** The URL without credentials, for messages. */
  readonly redacted: string;
}

const HINT = 'Use redis://[USER:PASSWORD@]HOST[:PORT][/DB] or rediss://… for TLS.';

/** @throws VouchError USAGE for anything but a plain redis:// or rediss:// URL */
export function parseRedisUrl(spec: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    fail('USAGE', 'the cache URL is not a valid URL', { hints: [HINT] });
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:') fail('USAGE', `the cache URL scheme ${scheme} is not redis: or rediss:`, { hints: [HINT] });
  const tls = scheme === 'rediss:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host.length === 0) fail('USAGE', 'the cache URL names no host', { hints: [HINT] });
  if (url.search !== '' || url.hash !== '') fail('USAGE', 'the cache URL may not carry a query or fragment (options come from vouch, not the URL)', { hints: [HINT] });
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname === '' || url.pathname === '/' ? '0' : url.pathname.slice(1);
  if (!/^\d{1,5}$/.test(path)) fail('USAGE', 'the cache URL path must be a database number', { hints: [HINT] });
  const db = Number(path);
  const username = url.username === '' ? undefined : decoded(url.username);
  const password = url.password === '' ? undefined : decoded(url.password);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    tls, host, port, db,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    redacted: `${scheme}//${hostPart}:${port}/${db}`,
  };
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    fail('USAGE', 'the cache URL has a malformed percent-escape in its credentials', { hints: [HINT] });
  }
}
