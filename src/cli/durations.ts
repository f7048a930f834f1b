/**
 * Duration-valued flags, parsed the same way by every command: --timeout, --cache-ttl,
 * --vsa-max-age (90s, 5m, 1h, 1500ms, or plain seconds) and --policy-timeout (milliseconds).
 * A value that is not one is a usage error (exit 2), never a default taken silently.
 */
import { VouchError } from '../errors.js';

/** --policy-timeout: whole milliseconds, 1 to 3600000 (an hour); absent means the library's default. */
export function policyTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^[0-9]{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!(ms >= 1 && ms <= 3_600_000)) throw new VouchError({ code: 'USAGE', message: `--policy-timeout must be whole milliseconds from 1 to 3600000, got ${JSON.stringify(value)}` });
  return ms;
}

/** A duration flag: 90s, 5m, 1h, 1500ms, or plain seconds. */
export function parseDuration(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m?.[2] ?? 's'] ?? 1000;
  const ms = m ? Math.round(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new VouchError({ code: 'USAGE', message: `${flag} must be a positive duration such as 90s, 5m or 1h, got ${JSON.stringify(value)}` });
  return ms;
}
