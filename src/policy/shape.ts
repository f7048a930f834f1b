/**
 * The shape of a value for cost estimation: the largest length (list elements, map entries,
 * string characters) found at each position, with list elements and map values merged. A shape is
 * as small as the schema of the data, not the data, so estimating a rule over it is cheap.
 */
export class Shape {
  len = 0;
  /** Longest map key: iterating a map yields its keys. */
  keyLen = 0;
  /** List elements, merged. */
  item: Shape | undefined;
  fields: Map<string, Shape> | undefined;

  static of(len: number, item?: Shape): Shape {
    const s = new Shape();
    s.len = len;
    s.item = item;
    return s;
  }

  /** What an index or an iteration over this value yields (list elements and map values, merged). */
  element(): Shape {
    let merged = this.item ?? LEAF;
    for (const f of this.fields?.values() ?? []) merged = union(merged, f);
    return merged;
  }

  field(name: string): Shape {
    return this.fields?.get(name) ?? (this.fields ? LEAF : this.element());
  }
}

/** A scalar (number, bool, null, timestamp): nothing to iterate, nothing to copy. */
export const LEAF: Shape = Object.freeze(new Shape()) as Shape;

/** Depth beyond which a value is treated as an opaque blob as long as its serialised size. */
const MAX_DEPTH = 24;

/** The shape of a JSON-like value (the CEL context). Linear in the size of the value. */
export function shapeOf(value: unknown): Shape {
  return measure(value).shape;
}

/**
 * The shape of a value and how much there is to read in it, in one walk. Units: one per value
 * plus one per character of its strings and keys (about its size as JSON). A rule that does a
 * bounded amount of work per piece of evidence costs a constant times this, which is what the
 * evaluation bounds scale with (evaluate.ts).
 */
export function measure(value: unknown): { readonly shape: Shape; readonly units: number } {
  const shape = new Shape();
  return { shape, units: absorb(shape, value, 0) };
}

/** Merges `value` into `acc`; returns its size in units (see measure). */
function absorb(acc: Shape, value: unknown, depth: number): number {
  if (typeof value === 'string' || value instanceof Uint8Array) {
    acc.len = Math.max(acc.len, value.length);
    return 1 + value.length;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return 1;
  if (depth > MAX_DEPTH) {
    const size = blobSize(value);
    const blob = blobShape(size);
    acc.len = Math.max(acc.len, blob.len);
    acc.item = union(acc.item ?? LEAF, blob.item ?? LEAF);
    return size;
  }
  let units = 1;
  if (Array.isArray(value)) {
    acc.len = Math.max(acc.len, value.length);
    acc.item ??= new Shape();
    for (const el of value) units += absorb(acc.item, el, depth + 1);
    return units;
  }
  const entries = Object.entries(value);
  acc.len = Math.max(acc.len, entries.length);
  acc.fields ??= new Map();
  for (const [key, member] of entries) {
    acc.keyLen = Math.max(acc.keyLen, key.length);
    let f = acc.fields.get(key);
    if (!f) acc.fields.set(key, (f = new Shape()));
    units += key.length + absorb(f, member, depth + 1);
  }
  return units;
}

/**
 * A value whose structure is not known (too deep, or produced by a function such as purl()): at
 * every level below it, up to a few levels, anything as large as the whole.
 */
export function blobShape(len: number, levels = 4): Shape {
  return Shape.of(len, levels > 0 ? blobShape(len, levels - 1) : undefined);
}

function blobSize(value: unknown): number {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))?.length ?? 0;
}

/** The least shape at least as large as both (sound for either value). */
export function union(a: Shape, b: Shape): Shape {
  if (a === b || b === LEAF) return a;
  if (a === LEAF) return b;
  const s = new Shape();
  s.len = Math.max(a.len, b.len);
  s.keyLen = Math.max(a.keyLen, b.keyLen);
  if (a.item || b.item) s.item = union(a.item ?? LEAF, b.item ?? LEAF);
  if (a.fields || b.fields) {
    s.fields = new Map(a.fields);
    for (const [k, f] of b.fields ?? []) s.fields.set(k, union(s.fields.get(k) ?? LEAF, f));
  }
  return s;
}

/** An upper bound on the work to compare or copy a value of this shape, element by element. */
export function deepSize(shape: Shape, depth = 0): number {
  if (depth > MAX_DEPTH) return shape.len;
  let size = 1 + shape.len;
  for (const f of shape.fields?.values() ?? []) size += deepSize(f, depth + 1);
  if (shape.item) size += shape.len * deepSize(shape.item, depth + 1);
  return size;
}
