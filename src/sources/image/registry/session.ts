/**
 * Speaking to one repository of one registry with its credentials: the API base, whether plain
 * HTTP is allowed, and the answer to a 401 challenge. Reading (core.ts) and writing (push.ts) both
 * send through it, so the credential rules live in one place:
 * - credentials go only to the registry they were configured for, and to the token realm the
 *   registry's own challenge names; a host the registry redirected to (blob storage, or an
 *   attacker's server) that asks for credentials gets none: its challenge is not followed;
 * - a password is never sent over plain HTTP, except to loopback.
 */
import type { Logger } from '../../../context.js';
import { fail } from '../../../errors.js';
import { apiHost } from '../reference.js';
import { hostOf } from '../../net/deadline.js';
import { basicHeader, fetchBearerToken, parseChallenge } from './auth.js';
import type { Credentials } from './credentials.js';
import type { HttpRequest, HttpResponse, RegistryHttp } from './http.js';
import { discard, header, redact } from './http.js';

export const CREDENTIAL_HINTS = ['log in with docker login (credentials in ~/.docker/config.json are used), or pass --registry-username/--registry-password'];

/** Loopback hosts may speak plain HTTP (local test registries); anything else needs permission. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

export class RegistrySession {
  readonly name: string;
  readonly base: string;
  readonly plainHttp: boolean;
  private authorization: string | undefined;

  constructor(
    private readonly target: { readonly registry: string; readonly repository: string },
    private readonly http: RegistryHttp,
    private readonly credentials: Credentials | undefined,
    allowHttp: boolean,
    private readonly log: Logger,
    /** What the token is asked for: reading, or reading and writing. */
    private readonly actions: 'pull' | 'pull,push',
  ) {
    const host = apiHost(target.registry);
    this.plainHttp = isLoopbackHost(host) || allowHttp;
    this.base = `${this.plainHttp ? 'http' : 'https'}://${host}/v2/${target.repository}`;
    this.name = `${target.registry}/${target.repository}`;
  }

  /** Sends with the credentials this registry was given, answering one 401 challenge. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const withAuth = (): HttpRequest => ({ ...req, headers: { ...(req.headers ?? {}), ...(this.authorization !== undefined && { authorization: this.authorization }) } });
    let res = await this.http.send(withAuth());
    if (res.status !== 401) return res;
    if (res.redirected) {
      await discard(res);
      fail('UNAUTHORIZED', `${this.name}: ${hostOf(res.url)}, where the registry redirected ${redact(req.url)}, asks for credentials; vouch sends credentials only to the registry itself`);
    }
    const challenge = parseChallenge(header(res.headers, 'www-authenticate'));
    await discard(res);
    if (!challenge) fail('UNAUTHORIZED', `${this.name}: the registry refused access and sent no usable challenge`);
    const push = this.actions === 'pull,push';
    if (challenge.scheme === 'basic') {
      if (!this.credentials) fail('UNAUTHORIZED', `${this.name}: the registry wants a user name and password${push ? ' to push' : ''}`, { hints: CREDENTIAL_HINTS });
      if (!this.plainHttp || isLoopbackHost(apiHost(this.target.registry))) this.authorization = basicHeader(this.credentials);
      else fail('UNAUTHORIZED', `${this.name}: refusing to send a password over plain HTTP`);
    } else {
      const scope = `repository:${this.target.repository}:${this.actions}`;
      // A push needs push scope whatever scope the challenge named (it names the request's: pull).
      const asked = push ? { ...challenge, params: { ...challenge.params, scope } } : challenge;
      const token = await fetchBearerToken(this.http, asked, scope, this.credentials, this.plainHttp);
      this.authorization = `Bearer ${token}`;
      this.log.debug(`${this.name}: got a ${push ? 'push' : this.credentials ? 'credentialed' : 'anonymous'} bearer token`);
    }
    res = await this.http.send(withAuth());
    if (res.status === 401 || res.status === 403) {
      await discard(res);
      fail('UNAUTHORIZED', `${this.name}: ${push ? 'push' : 'access'} denied (HTTP ${res.status}) for ${redact(res.url)}`, { hints: CREDENTIAL_HINTS });
    }
    return res;
  }
}
