/**
 * The result of reading attacker-controlled attestation content: a value, or a stable failure code
 * with a message. Malformed attestations are findings about the subject (a failed check), not
 * reasons to stop checking, so these readers return failures instead of throwing.
 */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string; readonly message: string };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const bad = <T = never>(code: string, message: string): Outcome<T> => ({ ok: false, code, message });

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function stringAt(obj: unknown, ...path: string[]): string | undefined {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return typeof cur === 'string' ? cur : undefined;
}

export function recordAt(obj: unknown, ...path: string[]): Record<string, unknown> | undefined {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return isRecord(cur) ? cur : undefined;
}

export function listAt(obj: unknown, ...path: string[]): unknown[] {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return [];
    cur = cur[key];
  }
  return Array.isArray(cur) ? cur : [];
}
