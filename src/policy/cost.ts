import type { ASTNode } from '@marcbachmann/cel-js';
import { blobShape, deepSize, LEAF, Shape, union } from './shape.js';

/**
 * Static cost bound of a CEL expression over a context of known shape: an upper bound on the
 * number of evaluation steps, counting every comprehension iteration and every element or
 * character a concatenation, split, join or comparison touches.
 *
 * Why static: the CEL library offers no step counter, and a policy is untrusted input to an
 * admission check. The bound is computed from the actual evidence (the largest list at each
 * position), so it is tight enough for real rules, and checked before the rule runs, so a hostile
 * rule (nested comprehensions over a large list, doubling a string with cel.bind) is refused in
 * microseconds instead of hanging. Memory is bounded too: every element allocated is counted.
 */
export interface Estimate {
  readonly shape: Shape;
  readonly cost: number;
}

type Scope = ReadonlyMap<string, Shape>;

/**
 * A value known before evaluation to be one of these strings: a string literal, or the variable of
 * a comprehension over a list literal of strings (a policy's allow-list of globs). Its cost is the
 * dearest of them; the body is still estimated once, whatever the nesting.
 */
class LiteralStrings extends Shape {
  constructor(readonly texts: readonly string[]) {
    super();
    this.len = Math.max(0, ...texts.map((t) => t.length));
  }
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const STRING_RESULT = new Set(['lowerAscii', 'upperAscii', 'trim', 'substring', 'string', 'bytes', 'dyn']);

/** Estimates an expression; `root` is the shape of the context (its fields are the variables). */
export function estimateCost(ast: ASTNode, root: Shape): number {
  return est(ast, new Map(), root).cost;
}

function est(node: ASTNode, scope: Scope, root: Shape): Estimate {
  const sub = (n: ASTNode, s: Scope = scope) => est(n, s, root);
  switch (node.op) {
    case 'value': {
      const v = node.args;
      return { shape: typeof v === 'string' || v instanceof Uint8Array ? Shape.of(v.length) : LEAF, cost: 1 };
    }
    case 'id':
      return { shape: scope.get(node.args) ?? root.fields?.get(node.args) ?? LEAF, cost: 1 };
    case '.':
    case '.?': {
      const base = sub(node.args[0]);
      return { shape: base.shape.field(node.args[1]), cost: base.cost + 1 };
    }
    case '[]':
    case '[?]': {
      const base = sub(node.args[0]);
      const index = sub(node.args[1]);
      const key = node.args[1].op === 'value' ? node.args[1].args : undefined;
      const shape = typeof key === 'string' ? base.shape.field(key) : base.shape.element();
      return { shape, cost: base.cost + index.cost + 1 };
    }
    case 'list': {
      const items = node.args.map((n) => sub(n));
      return { shape: Shape.of(items.length, items.reduce((a, e) => union(a, e.shape), LEAF)), cost: sum(items) + items.length };
    }
    case 'map': {
      const shape = Shape.of(node.args.length);
      shape.fields = new Map();
      let cost = node.args.length;
      for (const [k, v] of node.args) {
        const key = sub(k);
        const value = sub(v);
        cost += key.cost + value.cost;
        shape.keyLen = Math.max(shape.keyLen, key.shape.len);
        const name = k.op === 'value' && typeof k.args === 'string' ? k.args : `\u0000${shape.fields.size}`;
        shape.fields.set(name, value.shape);
      }
      return { shape, cost };
    }
    case '?:': {
      const [c, l, r] = node.args.map((n) => sub(n)) as [Estimate, Estimate, Estimate];
      return { shape: union(l.shape, r.shape), cost: c.cost + l.cost + r.cost };
    }
    case '||':
    case '&&':
      return { shape: LEAF, cost: sub(node.args[0]).cost + sub(node.args[1]).cost + 1 };
    case '!_':
    case '-_':
      return { shape: LEAF, cost: sub(node.args).cost + 1 };
    case 'call':
      return call(node.args[0], undefined, node.args[1], scope, root);
    case 'rcall':
      return call(node.args[0], node.args[1], node.args[2], scope, root);
    default:
      return binary(node.op, sub(node.args[0]), sub(node.args[1]));
  }
}

function binary(op: string, l: Estimate, r: Estimate): Estimate {
  const base = l.cost + r.cost + 1;
  switch (op) {
    case '+': {
      // List or string concatenation copies both sides.
      const item = l.shape.item || r.shape.item ? union(l.shape.item ?? LEAF, r.shape.item ?? LEAF) : undefined;
      return { shape: Shape.of(l.shape.len + r.shape.len, item), cost: base + l.shape.len + r.shape.len };
    }
    case 'in':
      return { shape: LEAF, cost: base + r.shape.len * deepSize(l.shape) };
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { shape: LEAF, cost: base + Math.min(deepSize(l.shape), deepSize(r.shape)) };
    default:
      return { shape: LEAF, cost: base };
  }
}

function call(name: string, receiver: ASTNode | undefined, args: readonly ASTNode[], scope: Scope, root: Shape): Estimate {
  if (receiver && MACROS.has(name) && args[0]?.op === 'id') return comprehension(name, receiver, args[0].args, args.slice(1), scope, root);
  if (name === 'bind' && receiver?.op === 'id' && receiver.args === 'cel' && args[0]?.op === 'id' && args[1] && args[2]) {
    const value = est(args[1], scope, root);
    const body = est(args[2], new Map([...scope, [args[0].args, value.shape]]), root);
    return { shape: body.shape, cost: value.cost + body.cost + 1 };
  }
  if (receiver?.op === 'id' && receiver.args === 'sets') {
    // sets.contains / sets.intersects hash both lists: linear in their sizes.
    const lists = args.map((n) => est(n, scope, root));
    return { shape: LEAF, cost: sum(lists) + lists.reduce((a, e) => a + deepSize(e.shape), 0) };
  }
  const all = (receiver ? [receiver, ...args] : [...args]).map((n) => est(n, scope, root));
  const cost = sum(all) + 1;
  const lens = all.reduce((a, e) => a + e.shape.len, 0);
  const first = all[0]?.shape ?? LEAF;
  switch (name) {
    case 'has':
    case 'size':
    case 'semverValid':
    case 'semverCompare':
    case 'semverLt':
    case 'purlValid':
    case 'startsWith':
    case 'endsWith':
      return { shape: LEAF, cost: cost + lens };
    case 'contains':
    case 'indexOf':
    case 'lastIndexOf':
      return { shape: LEAF, cost: cost + first.len * ((all[1]?.shape.len ?? 0) + 1) };
    case 'matchesGlob':
      return { shape: LEAF, cost: cost + globCost(first.len, literalTexts(args[args.length - 1], scope), all[1]?.shape.len ?? 0) };
    case 'matches':
      return { shape: LEAF, cost: cost + regexCost(first.len, args[args.length - 1]) };
    case 'split':
      return { shape: Shape.of(first.len + 1, Shape.of(first.len)), cost: cost + first.len };
    case 'join': {
      const len = first.len * (first.item?.len ?? 0) + first.len * (all[1]?.shape.len ?? 0);
      return { shape: Shape.of(len), cost: cost + len };
    }
    case 'flatten': {
      const inner = first.element();
      const len = first.len * Math.max(1, inner.len);
      return { shape: Shape.of(len, inner.item || inner.fields ? inner.element() : inner), cost: cost + len };
    }
    case 'hex':
    case 'base64':
      return { shape: Shape.of(first.len * 2), cost: cost + first.len * 2 };
    default:
      if (STRING_RESULT.has(name)) return { shape: Shape.of(first.len, first.item), cost: cost + lens };
      // purl(), json(), licenseSatisfies() and conversions: linear, result no larger than the input.
      return { shape: blobShape(lens), cost: cost + lens };
  }
}

function comprehension(name: string, receiver: ASTNode, variable: string, body: readonly ASTNode[], scope: Scope, root: Shape): Estimate {
  const range = est(receiver, scope, root);
  // Iterating a list yields its elements, iterating a map its keys.
  // Over a literal list of strings the variable keeps the strings themselves: "etc/apk/*" is then
  // known to be a cheap pattern, which the merged shape of the list could not say.
  const literals = literalStrings(receiver);
  const element = literals ? new LiteralStrings(literals) : range.shape.fields && !range.shape.item ? Shape.of(range.shape.keyLen) : range.shape.element();
  const inner = new Map([...scope, [variable, element]]);
  const parts = body.map((n) => est(n, inner, root));
  const cost = range.cost + range.shape.len * (sum(parts) + 2);
  switch (name) {
    case 'map':
      return { shape: Shape.of(range.shape.len, parts[parts.length - 1]?.shape ?? LEAF), cost };
    case 'filter':
      return { shape: Shape.of(range.shape.len, element), cost };
    default:
      return { shape: LEAF, cost };
  }
}

/**
 * globMatch (functions.ts) is the two-pointer method: before the pattern's first "*" both
 * pointers advance together; after it, each retry from the next value position re-reads at most
 * the rest of the pattern. So a literal pattern costs its prefix plus (value + 1) x (pattern from
 * the first "*"): linear for the usual "dir/*" and for patterns without "*", (value x pattern)
 * only for a "*" early in a long pattern. A pattern not known before evaluation gets that worst case.
 */
function globCost(valueLen: number, texts: readonly string[] | undefined, patternLen: number): number {
  if (texts === undefined) return valueLen * (patternLen + 1);
  return Math.max(
    0,
    ...texts.map((text) => {
      const star = text.indexOf('*');
      return star < 0 ? Math.min(valueLen, text.length) + 1 : star + (valueLen + 1) * (text.length - star);
    }),
  );
}

/** The strings a node is known to be one of before evaluation (see LiteralStrings). */
function literalTexts(node: ASTNode | undefined, scope: Scope): readonly string[] | undefined {
  if (node?.op === 'value' && typeof node.args === 'string') return [node.args];
  const bound = node?.op === 'id' ? scope.get(node.args) : undefined;
  return bound instanceof LiteralStrings ? bound.texts : undefined;
}

/** The strings of a list literal made only of string literals (at most 256: CEL_LIMITS). */
function literalStrings(node: ASTNode): string[] | undefined {
  if (node.op !== 'list' || node.args.length === 0) return undefined;
  const texts = node.args.map((n) => (n.op === 'value' && typeof n.args === 'string' ? n.args : undefined));
  return texts.every((t): t is string => t !== undefined) ? texts : undefined;
}

/**
 * matches() runs on RE2 (re2-matches.ts): at most one pass over the input per state of the compiled
 * pattern, and a pattern has no more states than characters (give or take a small factor).
 */
function regexCost(inputLen: number, pattern: ASTNode | undefined): number {
  const text = pattern?.op === 'value' && typeof pattern.args === 'string' ? pattern.args : undefined;
  if (text === undefined) return Number.POSITIVE_INFINITY;
  return (inputLen + 1) * (text.length + 1);
}

function sum(parts: readonly Estimate[]): number {
  return parts.reduce((a, e) => a + e.cost, 0);
}
