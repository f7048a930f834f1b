import { VouchError } from '../errors.js';

/**
 * RFC 3339 as --effective-time takes it: a date (midnight UTC), or a date and time with a zone.
 * A time without a zone is refused: it would mean the local time of whichever machine runs the
 * check, and the same command must give the same verdict everywhere.
 */
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2})))?$/;

/**
 * Parses --effective-time; undefined means now. JavaScript's Date.parse accepts 2026-02-30 (as
 * March 2) and 24:00, so every field is range-checked here before the date is built.
 * @throws VouchError USAGE for anything that is not a real instant.
 */
export function parseEffectiveTime(value: string | undefined, now: () => Date = () => new Date()): Date {
  if (value === undefined) return now();
  const m = TIME.exec(value);
  const n = (i: number): number => Number(m?.[i] ?? 0);
  const valid =
    m !== null &&
    n(2) >= 1 &&
    n(2) <= 12 &&
    n(3) >= 1 &&
    n(3) <= daysIn(n(1), n(2)) &&
    n(4) <= 23 &&
    n(5) <= 59 &&
    n(6) <= 59 &&
    n(8) <= 23 &&
    n(9) <= 59;
  const t = valid ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) {
    throw new VouchError({
      code: 'USAGE',
      message: `--effective-time must be an RFC 3339 date or time with a zone, such as 2026-11-02 or 2026-11-02T08:00:00Z, got ${JSON.stringify(value)}`,
    });
  }
  return new Date(t);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
