/**
 * Deterministic JSON: object keys sorted, undefined members dropped, two-space indent, trailing
 * newline. Identical inputs give byte-identical output, which is what lets a CI gate diff two
 * reports and an auditor hash one. Lists are not reordered here: producers sort them by the keys
 * documented in types.ts (assembleEvidence does it for the Evidence).
 */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}

/** Compares strings by UTF-16 code units, independent of locale, for stable sort orders. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A comparator over several string keys, in order. */
export function byKeys<T>(...keys: ((item: T) => string | undefined)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const c = compareStrings(key(a) ?? '', key(b) ?? '');
      if (c !== 0) return c;
    }
    return 0;
  };
}
