import { isRecord } from '../outcome.js';

/**
 * GCB puts a human-readable copy of the signed statement next to the envelope (`build`), unsigned.
 * People and tools read that copy, so it must say what the signature covers: slsa-verifier decodes
 * both into the same Go structs and requires them equal (ErrorMismatchIntoto). This is that
 * comparison: each side is projected onto exactly the fields those structs hold — so fields
 * slsa-verifier ignores (v0.1 `metadata.buildInvocationId`, `recipe.definedInMaterial`) are ignored
 * here too — and the projections must be equal. A field of the wrong type makes a side unreadable,
 * which fails (Go's decoder refuses it as well).
 */
export function compareTextStatement(slsa: '0.1' | '1.0', build: Readonly<Record<string, unknown>>, signed: Readonly<Record<string, unknown>>): { ok: true } | { ok: false; message: string } {
  const text = slsa === '0.1' ? build['intotoStatement'] : build['inTotoSlsaProvenanceV1'];
  const field = slsa === '0.1' ? 'build.intotoStatement' : 'build.inTotoSlsaProvenanceV1';
  if (!isRecord(text)) return { ok: false, message: `${field} is absent` };
  const project = slsa === '0.1' ? predicateV01 : predicateV1;
  const textSide = statement(text, slsa === '0.1' ? 'slsaProvenance' : 'predicate', project);
  const signedSide = statement(signed, 'predicate', project);
  if (textSide === UNREADABLE) return { ok: false, message: `${field} is malformed` };
  if (signedSide === UNREADABLE) return { ok: false, message: 'the signed statement is malformed' };
  const diff = firstDifference(textSide, signedSide, '');
  return diff === undefined ? { ok: true } : { ok: false, message: `${field} differs from the signed statement at ${diff || '(root)'}` };
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };
const UNREADABLE = Symbol('unreadable');
class Unreadable extends Error {}

function statement(doc: Readonly<Record<string, unknown>>, predicateField: string, project: (v: unknown) => Json): Json | typeof UNREADABLE {
  try {
    return {
      _type: str(doc['_type']),
      predicateType: str(doc['predicateType']),
      subject: list(doc['subject'], (s) => struct(s, (o) => ({ name: str(o['name']), digest: stringMap(o['digest']) }))),
      predicate: project(doc[predicateField]),
    };
  } catch (err) {
    if (err instanceof Unreadable) return UNREADABLE;
    throw err;
  }
}

/** in-toto-golang's SLSA v0.1 predicate as slsa-verifier copies it (definedInMaterial left out). */
function predicateV01(v: unknown): Json {
  return struct(v, (p) => ({
    builder: struct(p['builder'], (b) => ({ id: str(b['id']) })),
    recipe: struct(p['recipe'], (r) => ({ type: str(r['type']), entryPoint: str(r['entryPoint']), arguments: any(r['arguments']), environment: any(r['environment']) })),
    metadata: pointer(p['metadata'], (m) => ({
      buildStartedOn: time(m['buildStartedOn']),
      buildFinishedOn: time(m['buildFinishedOn']),
      completeness: struct(m['completeness'], (c) => ({ arguments: bool(c['arguments']), environment: bool(c['environment']), materials: bool(c['materials']) })),
      reproducible: bool(m['reproducible']),
    })),
    materials: list(p['materials'], (m) => struct(m, (o) => ({ uri: str(o['uri']), digest: stringMap(o['digest']) }))),
  }));
}

/** in-toto-golang's SLSA v1 predicate. */
function predicateV1(v: unknown): Json {
  const descriptors = (x: unknown): Json =>
    list(x, (d) =>
      struct(d, (o) => ({
        uri: str(o['uri']),
        digest: stringMap(o['digest']),
        name: str(o['name']),
        downloadLocation: str(o['downloadLocation']),
        mediaType: str(o['mediaType']),
        content: str(o['content']),
        annotations: o['annotations'] === undefined || o['annotations'] === null ? null : isRecord(o['annotations']) ? any(o['annotations']) : unreadable(),
      })),
    );
  return struct(v, (p) => ({
    buildDefinition: struct(p['buildDefinition'], (b) => ({
      buildType: str(b['buildType']),
      externalParameters: any(b['externalParameters']),
      internalParameters: any(b['internalParameters']),
      resolvedDependencies: descriptors(b['resolvedDependencies']),
    })),
    runDetails: struct(p['runDetails'], (r) => ({
      builder: struct(r['builder'], (b) => ({ id: str(b['id']), version: stringMap(b['version']), builderDependencies: descriptors(b['builderDependencies']) })),
      metadata: struct(r['metadata'], (m) => ({ invocationId: str(m['invocationId']), startedOn: time(m['startedOn']), finishedOn: time(m['finishedOn']) })),
      byproducts: descriptors(r['byproducts']),
    })),
  }));
}

function unreadable(): never {
  throw new Unreadable();
}

/** Go's zero values: an absent or null string is "", an absent bool false, an absent struct zero. */
const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : unreadable());
const bool = (v: unknown): boolean => (v === undefined || v === null ? false : typeof v === 'boolean' ? v : unreadable());
const struct = (v: unknown, f: (o: Readonly<Record<string, unknown>>) => Json): Json => (v === undefined || v === null ? f({}) : isRecord(v) ? f(v) : unreadable());
/** A pointer to a struct: absent stays distinct from present-and-empty, as a nil pointer does. */
const pointer = (v: unknown, f: (o: Readonly<Record<string, unknown>>) => Json): Json => (v === undefined || v === null ? null : isRecord(v) ? f(v) : unreadable());
/** A slice: absent (nil) and empty differ, as reflect.DeepEqual tells them apart. */
const list = (v: unknown, f: (x: unknown) => Json): Json => (v === undefined || v === null ? null : Array.isArray(v) ? v.map(f) : unreadable());
const stringMap = (v: unknown): Json =>
  v === undefined || v === null ? null : isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : unreadable()])) : unreadable();
/** Any JSON value (Go's interface{}); JSON.parse output is already plain data. */
const any = (v: unknown): Json => (v === undefined ? null : (v as Json));

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * A timestamp, normalised as Go's time.Time compares after parsing: trailing zeros of the fraction
 * do not matter, the zone does (Go keeps it, so "Z" and "+01:00" for one instant are not equal).
 */
function time(v: unknown): Json {
  if (v === undefined || v === null) return null;
  const m = typeof v === 'string' ? RFC3339.exec(v) : null;
  if (!m) return unreadable();
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(9, '0')}${(m[4] ?? '').toUpperCase()}`;
}

/** Deeper than this, values are not compared but reported as different (the recursion stays bounded). */
const MAX_COMPARE_DEPTH = 64;

/** The path of the first difference, or undefined when equal. Object key order does not matter. */
function firstDifference(a: Json, b: Json, path: string, depth = 0): string | undefined {
  if (a === b) return undefined;
  if (depth > MAX_COMPARE_DEPTH) return path;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return path;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i] as Json, b[i] as Json, `${path}[${i}]`, depth + 1);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ao = a as Readonly<Record<string, Json>>;
  const bo = b as Readonly<Record<string, Json>>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of [...keys].sort()) {
    if (!Object.hasOwn(ao, k) || !Object.hasOwn(bo, k)) return `${path}.${k}`;
    const d = firstDifference(ao[k] as Json, bo[k] as Json, `${path}.${k}`, depth + 1);
    if (d !== undefined) return d;
  }
  return undefined;
}
