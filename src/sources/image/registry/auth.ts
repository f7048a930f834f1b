import { VouchError, fail } from '../../../errors.js';
import type { Credentials } from './credentials.js';
import type { RegistryHttp } from './http.js';
import { discard, redact } from './http.js';
import { readCapped } from '../digest.js';
import { parseUntrustedJson } from '../../../evidence/index.js';

export interface Challenge {
  readonly scheme: 'bearer' | 'basic';
  readonly params: Readonly<Record<string, string>>;
}

/** Parses `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` (quoted or token values). */
export function parseChallenge(value: string | undefined): Challenge | undefined {
  if (!value) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  const scheme = (m[1] ?? '').toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme, params };
}

export function basicHeader(creds: Credentials): string {
  const [user, pass] = creds.kind === 'basic' ? [creds.username, creds.password] : ['<token>', creds.token];
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/**
 * Gets a bearer token from the realm a registry named (the Docker token protocol). Anonymous when
 * there are no credentials; identity tokens use the OAuth2 refresh-token grant. The realm must be
 * HTTPS unless the registry itself was reached over plain HTTP on loopback or by permission.
 */
export async function fetchBearerToken(
  http: RegistryHttp,
  challenge: Challenge,
  scope: string,
  creds: Credentials | undefined,
  allowHttpRealm: boolean,
): Promise<string> {
  const realm = challenge.params['realm'];
  if (!realm) return fail('UNAUTHORIZED', 'registry asked for a bearer token but named no realm');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return fail('UNAUTHORIZED', `registry named an invalid token realm ${JSON.stringify(realm)}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttpRealm)) {
    fail('UNAUTHORIZED', `refusing to fetch a registry token over ${url.protocol} from ${redact(realm)}`);
  }
  const service = challenge.params['service'];
  const wanted = challenge.params['scope'] ?? scope;
  let res;
  if (creds?.kind === 'identity-token') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.token, client_id: 'vouch', scope: wanted });
    if (service) form.set('service', service);
    res = await http.send({ method: 'POST', url: url.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  } else {
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', wanted);
    res = await http.send({ method: 'GET', url: url.toString(), headers: creds ? { authorization: basicHeader(creds) } : {} });
  }
  if (res.status === 401 || res.status === 403) {
    await discard(res);
    fail('UNAUTHORIZED', `the registry refused a token for ${wanted} (HTTP ${res.status})`, {
      hints: ['log in (docker login), or pass --registry-username/--registry-password'],
    });
  }
  if (res.status !== 200) {
    await discard(res);
    fail('NETWORK', `token request to ${redact(url.toString())} answered HTTP ${res.status}`);
  }
  // Read errors (a deadline that passed, a broken connection) are NETWORK errors naming the host.
  const text = (await readCapped(res.body, 1024 * 1024, `token response from ${redact(url.toString())}`, 'NETWORK')).toString('utf8');
  try {
    const doc = parseUntrustedJson(text, 'registry token response') as Record<string, unknown>;
    const token = doc['token'] ?? doc['access_token'];
    if (typeof token !== 'string' || token === '') throw new Error('no token field');
    return token;
  } catch (err) {
    throw new VouchError({ code: 'UNAUTHORIZED', message: `registry token response is unusable: ${(err as Error).message}` });
  }
}
