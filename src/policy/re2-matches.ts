import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { checkDeadline } from './deadline.js';

/**
 * CEL's `matches()` on RE2 (re2js), as the CEL specification defines it, instead of the V8
 * RegExp the CEL library uses. V8 backtracks: `.*x.*y` over a long string without a "y" takes
 * time polynomial in its length, `(a+)+$` exponential, and a policy is untrusted input to an
 * admission check. RE2 matches in time linear in the input (times the pattern), whatever the
 * pattern; it rejects what needs backtracking (back-references, lookaround), which policy lint
 * then reports. See docs/adr/linear-regex.md for the choice and the measurements.
 *
 * The library lets no one replace a standard function (a second `string.matches(string)` overlaps
 * the first), so every `matches` call of a parsed expression is given, as the library's own
 * macros do, an alternate call to RE2_MATCHES: type-checking and evaluation follow the alternate,
 * while the AST that cost.ts, explain.ts and error messages read still says `matches`.
 */
export const RE2_MATCHES = 'vouchRe2Matches';
export const RE2_MATCHES_SIGNATURE = `string.${RE2_MATCHES}(string): bool`;

/** Longest pattern accepted: RE2's compiled program, and so the match time, grows with it. */
export const MAX_PATTERN_LENGTH = 1024;

const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 256;

/** Unanchored search, as CEL's matches(): true when some part of the value matches. */
export function re2Matches(value: string, pattern: string): boolean {
  checkDeadline();
  let re = compiled.get(pattern);
  if (re === undefined) {
    if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
    re = RE2JS.compile(pattern);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.matcher(value).find();
}

/** Why RE2 refuses the pattern (a syntax error, a construct it does not have), or undefined. */
export function re2Problem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    return `not an RE2 regular expression (${text.replace(/^error parsing regexp: /, '')}); RE2 has no back-references or lookaround`;
  }
}

interface MutableNode {
  readonly op: string;
  readonly args: unknown;
  readonly meta: { check: unknown; evaluate: unknown };
  clone(op: { name: string; check: unknown; evaluate: unknown }, args: unknown): unknown;
  setMeta(key: string, value: unknown): unknown;
}

/** Points every `matches` call of the program at RE2_MATCHES (see above); returns the program. */
export function useRe2Matches(program: ParseResult): ParseResult {
  for (const node of nodes(program.ast)) {
    if (node.op !== 'rcall' || node.args[0] !== 'matches') continue;
    const n = node as unknown as MutableNode;
    const [, receiver, args] = node.args;
    n.setMeta('alternate', n.clone({ name: 'rcall', check: n.meta.check, evaluate: n.meta.evaluate }, [RE2_MATCHES, receiver, args]));
  }
  return program;
}

/** Every node of the AST, depth first (arguments of calls and entries of maps included). */
export function* nodes(node: ASTNode): Generator<ASTNode> {
  yield node;
  const args: unknown = node.args;
  if (!Array.isArray(args)) {
    if (isNode(args)) yield* nodes(args);
    return;
  }
  for (const a of args) {
    if (isNode(a)) yield* nodes(a);
    else if (Array.isArray(a)) for (const b of a) if (isNode(b)) yield* nodes(b);
      else if (Array.isArray(b)) for (const c of b) if (isNode(c)) yield* nodes(c);
  }
}

function isNode(value: unknown): value is ASTNode {
  return value !== null && typeof value === 'object' && 'op' in value && 'args' in value;
}
