/**
 * Waiver expiry dates. A waiver is an exception someone signed off on; it must end, and it must end
 * exactly when its owner wrote, so dates are read strictly.
 */

/** A bare date means "through the end of that day, UTC". */
export function waiverExpiry(expires: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? new Date(`${expires}T23:59:59.999Z`) : new Date(expires);
}

/** Date.parse rolls 2027-02-30 over to March; a waiver date must be a real calendar date. */
export function isCalendarDate(expires: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(expires);
  if (!m || Number.isNaN(waiverExpiry(expires).getTime())) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
