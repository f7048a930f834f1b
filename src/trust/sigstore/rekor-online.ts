/**
 * Online mode (`--rekor-url`), for bundles that carry no log entry: search the log by artifact
 * hash, fetch each entry with its inclusion proof and signed entry timestamp, and hand back the
 * bundle with that entry embedded. Nothing fetched is trusted as such: each candidate goes through
 * the same verifyBundle as an embedded entry, so @sigstore/verify checks the SET, the checkpoint
 * signature against the log key of the trusted root, the Merkle path to the checkpoint's root, and
 * that the entry's body is this signature over this artifact. Off by default; uses undici.
 */
import { bundleToJSON } from '@sigstore/bundle';
import type { RunContext } from '../../context.js';
import { fail, messageOf } from '../../errors.js';
import { DEFAULT_DEADLINES, RequestDeadline } from '../../sources/net/deadline.js';
import { parseBundleJSON } from './bundle-parse.js';
import type { ParsedBundle } from './bundle-parse.js';
import type { SigstoreTrust } from './trusted-root.js';
import { parseUntrustedJson } from '../../evidence/index.js';

const MAX_CANDIDATES = 16;
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/** Rekor v1 API entry, as returned by GET /api/v1/log/entries/{uuid}. */
interface RekorEntry {
  body?: unknown;
  integratedTime?: unknown;
  logID?: unknown;
  logIndex?: unknown;
  verification?: {
    signedEntryTimestamp?: unknown;
    inclusionProof?: { logIndex?: unknown; treeSize?: unknown; rootHash?: unknown; hashes?: unknown; checkpoint?: unknown };
  };
}

export async function lookupLogEntries(rekorUrl: string, parsed: ParsedBundle, sha256: string, trust: SigstoreTrust, ctx: RunContext): Promise<ParsedBundle[]> {
  const base = parseBaseUrl(rekorUrl);
  const uuids = await fetchJSON(new URL('api/v1/index/retrieve', base), ctx, { hash: `sha256:${sha256}` });
  if (!Array.isArray(uuids)) fail('NETWORK', `${rekorUrl}: index search did not return a list`);
  const candidates: ParsedBundle[] = [];
  for (const uuid of uuids.slice(0, MAX_CANDIDATES)) {
    if (typeof uuid !== 'string' || !/^[0-9a-f]{64,80}$/.test(uuid)) continue;
    const response = await fetchJSON(new URL(`api/v1/log/entries/${uuid}`, base), ctx);
    for (const entry of Object.values((response ?? {}) as Record<string, RekorEntry>)) {
      const tle = toTlogEntryJSON(entry);
      // Entries from logs the trusted root does not know can never verify; skip them early.
      if (tle === undefined || !trust.tlogs.some((t) => t.logIdHex === entry.logID)) continue;
      const json = bundleToJSON(parsed.bundle) as unknown as { verificationMaterial: Record<string, unknown> };
      json.verificationMaterial = { ...json.verificationMaterial, tlogEntries: [tle] };
      const reparsed = parseBundleJSON(json);
      if (reparsed.ok) candidates.push(reparsed);
    }
  }
  ctx.log.debug(`${rekorUrl}: ${candidates.length} candidate log entr${candidates.length === 1 ? 'y' : 'ies'} for sha256:${sha256}`);
  return candidates;
}

/** Converts a Rekor v1 API entry into the bundle's TransparencyLogEntry JSON (hex → base64). */
export function toTlogEntryJSON(entry: RekorEntry): Record<string, unknown> | undefined {
  const proof = entry.verification?.inclusionProof;
  if (typeof entry.body !== 'string' || typeof entry.logID !== 'string' || !/^[0-9a-f]{64}$/.test(entry.logID)) return undefined;
  let kind: { kind?: unknown; apiVersion?: unknown };
  try {
    kind = parseUntrustedJson(Buffer.from(entry.body, 'base64').toString('utf8'), 'Rekor entry body') as typeof kind;
  } catch {
    return undefined;
  }
  const hex = (v: unknown): string | undefined => (typeof v === 'string' && /^[0-9a-f]*$/.test(v) ? Buffer.from(v, 'hex').toString('base64') : undefined);
  const hashes = Array.isArray(proof?.hashes) ? proof.hashes.map(hex) : [];
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: hex(entry.logID) },
    kindVersion: { kind: String(kind.kind), version: String(kind.apiVersion) },
    integratedTime: String(entry.integratedTime),
    ...(typeof entry.verification?.signedEntryTimestamp === 'string' && { inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp } }),
    ...(proof &&
      typeof proof.checkpoint === 'string' &&
      !hashes.includes(undefined) && {
        inclusionProof: { logIndex: String(proof.logIndex), treeSize: String(proof.treeSize), rootHash: hex(proof.rootHash), hashes, checkpoint: { envelope: proof.checkpoint } },
      }),
    canonicalizedBody: entry.body,
  };
}

function parseBaseUrl(rekorUrl: string): URL {
  let url: URL;
  try {
    url = new URL(rekorUrl);
  } catch {
    return fail('USAGE', `--rekor-url must be an http(s) URL, got ${JSON.stringify(rekorUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('USAGE', `--rekor-url must be an http(s) URL, got ${JSON.stringify(rekorUrl)}`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

async function fetchJSON(url: URL, ctx: RunContext, post?: unknown): Promise<unknown> {
  const { request } = await import('undici');
  // A total deadline per request (headers, then the body), under the command's own (ctx.signal).
  const deadline = new RequestDeadline(url.host, DEFAULT_DEADLINES, ctx.signal);
  try {
    const res = await request(url, {
      method: post === undefined ? 'GET' : 'POST',
      headers: { accept: 'application/json', ...(post !== undefined && { 'content-type': 'application/json' }) },
      ...(post !== undefined && { body: JSON.stringify(post) }),
      headersTimeout: DEFAULT_DEADLINES.headersMs,
      bodyTimeout: DEFAULT_DEADLINES.bodyMs,
      signal: deadline.signal,
    });
    deadline.headersArrived();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_RESPONSE_BYTES) fail('LIMIT_EXCEEDED', `${url.origin}: response larger than ${MAX_RESPONSE_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    if (res.statusCode === 404) return post === undefined ? {} : [];
    if (res.statusCode !== 200) fail('NETWORK', `${url.origin}${url.pathname}: HTTP ${res.statusCode}`);
    return parseUntrustedJson(Buffer.concat(chunks).toString('utf8'), `${url.origin} response`);
  } catch (err) {
    if ((err as { name?: unknown }).name === 'VouchError') throw err;
    return fail('NETWORK', `${url.origin}: ${deadline.expired ?? messageOf(err)}`, { cause: err });
  } finally {
    deadline.done();
  }
}
