import { createRequire } from 'node:module';
import type { PackageURL as PackageURLClass } from 'packageurl-js';
import type parseSpdxFn from 'spdx-expression-parse';
import type spdxSatisfiesFn from 'spdx-satisfies';

// The purl and SPDX libraries load on first use (about 25 ms of start-up otherwise): most runs
// evaluate no rule that calls purl() or licenseSatisfies(). All three are CommonJS.
const load = createRequire(import.meta.url);
let libs: { PackageURL: typeof PackageURLClass; parseSpdx: typeof parseSpdxFn; spdxSatisfies: typeof spdxSatisfiesFn } | undefined;
function lib() {
  libs ??= {
    PackageURL: (load('packageurl-js') as { PackageURL: typeof PackageURLClass }).PackageURL,
    parseSpdx: load('spdx-expression-parse') as typeof parseSpdxFn,
    spdxSatisfies: load('spdx-satisfies') as typeof spdxSatisfiesFn,
  };
  return libs;
}

/**
 * The functions vouch adds to CEL (documented in docs/policy.md). Each throws on input it cannot
 * interpret: inside a rule that is an evaluation error, so the rule fails (fail closed) rather than
 * guessing. Each is linear (or bounded) in its input, which the cost bound in cost.ts relies on.
 */

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

interface SemVer {
  readonly core: readonly bigint[];
  readonly pre: readonly string[];
}

function parseSemver(text: string): SemVer {
  const m = text.length <= 256 ? SEMVER.exec(text) : null;
  if (!m) throw new Error(`not a semantic version: ${JSON.stringify(text.slice(0, 64))}`);
  return { core: [BigInt(m[1] ?? 0), BigInt(m[2] ?? 0), BigInt(m[3] ?? 0)], pre: m[4] ? m[4].split('.') : [] };
}

/** True when the text is a semantic version (an optional leading "v" is accepted, as in git tags). */
export function semverValid(text: string): boolean {
  return text.length <= 256 && SEMVER.test(text);
}

/** Precedence as semver.org §11 defines it: -1, 0 or 1 (build metadata is ignored). */
export function semverCompare(a: string, b: string): bigint {
  const x = parseSemver(a);
  const y = parseSemver(b);
  for (let i = 0; i < 3; i++) {
    const d = cmp(x.core[i] ?? 0n, y.core[i] ?? 0n);
    if (d !== 0n) return d;
  }
  // A pre-release has lower precedence than the release itself.
  if (x.pre.length === 0 || y.pre.length === 0) return cmp(BigInt(y.pre.length === 0 ? 0 : 1), BigInt(x.pre.length === 0 ? 0 : 1));
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1n;
    if (q === undefined) return 1n;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    // Numeric identifiers compare numerically and sort before alphanumeric ones.
    const d = pn && qn ? cmp(BigInt(p), BigInt(q)) : pn ? -1n : qn ? 1n : cmp(p, q);
    if (d !== 0n) return d;
  }
  return 0n;
}

function cmp<T extends bigint | string>(a: T, b: T): bigint {
  return a < b ? -1n : a > b ? 1n : 0n;
}

/**
 * Whole-string glob match: "*" matches any run of characters (including "/"), "?" exactly one,
 * everything else itself. Linear-space, O(value × pattern) worst case by the two-pointer method,
 * so a hostile pattern cannot trigger the exponential backtracking a translated RegExp could.
 */
export function globMatch(value: string, pattern: string): boolean {
  let v = 0;
  let p = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = v;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A package URL split into its parts; absent parts are "" (qualifiers {}), so rules can compare. */
export function parsePurl(text: string): Record<string, unknown> {
  if (text.length > 4096) throw new Error('package URL longer than 4096 characters');
  const purl = lib().PackageURL.fromString(text);
  const qualifiers: Record<string, string> = {};
  for (const [k, v] of Object.entries(purl.qualifiers ?? {})) if (typeof v === 'string') qualifiers[k] = v;
  return {
    type: purl.type ?? '',
    namespace: purl.namespace ?? '',
    name: purl.name ?? '',
    version: purl.version ?? '',
    qualifiers,
    subpath: purl.subpath ?? '',
  };
}

export function purlValid(text: string): boolean {
  try {
    parsePurl(text);
    return true;
  } catch {
    return false;
  }
}

/** Caps on SPDX expressions: spdx-satisfies expands AND over OR, which is exponential in the ORs. */
const MAX_SPDX_LENGTH = 1024;
const MAX_SPDX_OR = 10;

/** True when the license expression is satisfied by the allowed licenses (spdx-satisfies). */
export function licenseSatisfies(expression: string, allowed: readonly string[]): boolean {
  if (expression.length > MAX_SPDX_LENGTH) throw new Error(`SPDX expression longer than ${MAX_SPDX_LENGTH} characters`);
  if (allowed.length === 0) return false;
  const ors = countOr(lib().parseSpdx(expression));
  if (ors > MAX_SPDX_OR) throw new Error(`SPDX expression has ${ors} OR operators; at most ${MAX_SPDX_OR} are evaluated`);
  return lib().spdxSatisfies(expression, [...allowed]);
}

function countOr(node: unknown): number {
  if (node === null || typeof node !== 'object') return 0;
  const n = node as { conjunction?: string; left?: unknown; right?: unknown };
  return (n.conjunction === 'or' ? 1 : 0) + countOr(n.left) + countOr(n.right);
}

/** One level of nesting removed, as cel-go's ext lists `flatten()`. */
export function flattenOnce(list: readonly unknown[]): unknown[] {
  return list.flatMap((item) => (Array.isArray(item) ? item : [item]));
}

/**
 * Set semantics over lists in linear time (cel-go's ext sets): `sets.contains(a, b)` is true when
 * every element of b is in a, `sets.intersects(a, b)` when they share one. Values compare by
 * content, so lists of maps work too.
 */
export function setContains(a: readonly unknown[], b: readonly unknown[]): boolean {
  const keys = new Set(a.map(setKey));
  return b.every((x) => keys.has(setKey(x)));
}

export function setIntersects(a: readonly unknown[], b: readonly unknown[]): boolean {
  const keys = new Set(a.map(setKey));
  return b.some((x) => keys.has(setKey(x)));
}

function setKey(value: unknown): string {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'bigint' || typeof value === 'number') return `n${String(value)}`;
  return `j${JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)));
    return v;
  })}`;
}
