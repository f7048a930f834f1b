/**
 * Deterministic JSON: object keys sorted, undefined members dropped, two-space indent, trailing
 * newline. Identical inputs give byte-identical output, which is what lets a CI gate diff two
 * reports and an auditor hash one. Lists are not reordered here: producers sort them by the keys
 * documented in types.ts (assembleEvidence does it for the Evidence).
 */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/**
 * The same text as stableStringify, in pieces of about `pieceSize` characters: a report with
 * hundreds of thousands of findings is written without ever being one string (V8 caps a string
 * at about 512 MiB, and the sorted copy plus the text would double the memory).
 */
export function* stableStringifyPieces(value: unknown, pieceSize = 64 * 1024): Generator<string> {
  const out = { text: '' };
  yield* pieces(value, '', out, pieceSize);
  out.text += '\n';
  yield out.text;
}

function* pieces(v: unknown, indent: string, out: { text: string }, pieceSize: number): Generator<string> {
  const text = leaf(v);
  if (text !== undefined) {
    out.text += text;
    return;
  }
  const inner = `${indent}  `;
  const members: [string | undefined, unknown][] = Array.isArray(v)
    ? v.map((el: unknown) => [undefined, el === undefined ? null : el])
    : Object.keys(v as object)
        .sort()
        .map((k): [string, unknown] => [k, (v as Record<string, unknown>)[k]])
        .filter(([, m]) => m !== undefined && typeof m !== 'function');
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  if (members.length === 0) {
    out.text += open + close;
    return;
  }
  out.text += open;
  for (const [i, [key, member]] of members.entries()) {
    out.text += `${i > 0 ? ',' : ''}\n${inner}${key === undefined ? '' : `${JSON.stringify(key)}: `}`;
    yield* pieces(member, inner, out, pieceSize);
    if (out.text.length >= pieceSize) {
      yield out.text;
      out.text = '';
    }
  }
  out.text += `\n${indent}${close}`;
}

/** The JSON text of a value without members (as sortKeys and JSON.stringify write it), else undefined. */
function leaf(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (typeof v === 'bigint') return JSON.stringify(v.toString());
  if (v !== null && typeof v === 'object') return undefined;
  return JSON.stringify(v) ?? 'null';
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
