import { setTimeout as sleep } from 'node:timers/promises';
import { VouchError, isVouchError, messageOf } from '../../errors.js';

/**
 * Deadlines for every network request vouch makes (registries, token endpoints, apk downloads,
 * Rekor). Idle timeouts alone are not enough: a server that sends one byte every few seconds never
 * goes idle, so each request also has a total deadline, and the command has one over everything
 * (--timeout). Every expiry is a NETWORK error that names the host (exit 3), never INTERNAL.
 */
export interface NetworkDeadlines {
  /** From sending a request to its response headers (connecting included). */
  readonly headersMs: number;
  /** For a whole response body, from its headers to its last byte. */
  readonly bodyMs: number;
  /**
   * Large bodies of known size (layers, packages) get more time beyond bodyMs, at this slowest
   * average rate; a trickle stays bounded by the size and, always, by the command's deadline.
   */
  readonly minBytesPerSecond: number;
}

export const DEFAULT_DEADLINES: NetworkDeadlines = { headersMs: 10_000, bodyMs: 60_000, minBytesPerSecond: 1024 * 1024 };

/** The command's whole run: --timeout (default 10 minutes). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** The time allowed for a body of the given size (unknown: bodyMs). */
export function bodyAllowanceMs(deadlines: NetworkDeadlines, size?: number): number {
  const extra = size !== undefined && size > 0 ? Math.ceil((size / deadlines.minBytesPerSecond) * 1000) : 0;
  return deadlines.bodyMs + extra;
}

/**
 * One request's deadline as an AbortSignal for undici: headers within headersMs, then the body
 * within its allowance. It also follows the command's signal. The abort reason is a NETWORK
 * VouchError naming the host, so whatever reads the body fails with it as is.
 */
export class RequestDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** Why the deadline fired (its own expiry or the command's), once it has. */
  expired: string | undefined;
  private readonly onParent = (): void => this.abort(reasonText(this.parent?.reason));

  constructor(
    private readonly host: string,
    private readonly deadlines: NetworkDeadlines,
    private readonly parent?: AbortSignal,
  ) {
    if (parent?.aborted) this.abort(reasonText(parent.reason));
    else parent?.addEventListener('abort', this.onParent, { once: true });
    this.arm(deadlines.headersMs, `no response within ${seconds(deadlines.headersMs)}`);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Headers are in: the body now has its own allowance (from the declared size, if any). */
  headersArrived(size?: number): void {
    const ms = bodyAllowanceMs(this.deadlines, size);
    this.arm(ms, `the response did not arrive in full within ${seconds(ms)}`);
  }

  /** The request is over (body read, discarded or failed): nothing is left to abort. */
  done(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParent);
  }

  /** The error for a failure while this deadline was running: its own reason once it fired. */
  errorFor(err: unknown, what: string): VouchError {
    const reason: unknown = this.controller.signal.reason;
    if (this.controller.signal.aborted && isVouchError(reason)) return reason;
    if (isVouchError(err)) return err;
    return new VouchError({ code: 'NETWORK', message: `${this.host}: ${what}: ${messageOf(err)}`, cause: err });
  }

  private arm(ms: number, why: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.abort(why), ms);
    this.timer.unref();
  }

  private abort(why: string): void {
    if (this.controller.signal.aborted) return;
    this.expired = why;
    this.done();
    this.controller.abort(new VouchError({ code: 'NETWORK', message: `${this.host}: ${why}`, hints: HINTS }));
  }
}

const HINTS = ['the server is unreachable or too slow; try again later, or raise --timeout'];

/**
 * Waits between attempts, ending early with a NETWORK error naming the host when the command's
 * deadline passes meanwhile.
 */
export async function waitOrAbort(ms: number, host: string, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    throw new VouchError({ code: 'NETWORK', message: `${host}: ${reasonText(signal?.reason ?? err)}`, cause: err, hints: HINTS });
  }
}

/**
 * The command's deadline (--timeout) as a signal whose reason says so. The timer does not keep the
 * process alive; dispose() clears it when the command ends first.
 */
export function commandDeadline(timeoutMs: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new VouchError({ code: 'NETWORK', message: `the command did not finish within --timeout ${seconds(timeoutMs)}`, hints: HINTS })),
    timeoutMs,
  );
  timer.unref();
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}

function reasonText(reason: unknown): string {
  if (isVouchError(reason)) return reason.message;
  return reason === undefined ? 'aborted' : messageOf(reason);
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A URL's host for messages (host:port), never its userinfo or query. */
export function hostOf(url: string | URL): string {
  try {
    return new URL(url).host;
  } catch {
    return '<invalid url>';
  }
}
