import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import { policyEnvironment } from './cel-env.js';
import { estimateCost } from './cost.js';
import { LEAF } from './shape.js';

/**
 * Upper bound on the estimated steps of one expression (see cost.ts). Measured at 4-30 ns per
 * estimated step (bench/policy.bench.ts, docs/performance.md), so a rule at the bound runs in well
 * under a second; real rules over large evidence estimate at 10^3-10^6.
 */
export const MAX_RULE_COST = 20_000_000;

export interface Compiled {
  readonly program?: ParseResult;
  readonly problem?: string;
}

/**
 * Compiles and type-checks one CEL expression in the policy environment. Everything that can be
 * known without the evidence is checked here, so `vouch policy lint` reports it: syntax, types,
 * the result being bool, regular expressions that could backtrack catastrophically, and a cost
 * that is over the bound whatever the evidence (literal lists nested, strings doubled by bind).
 */
export function compileExpression(text: string): Compiled {
  let compiled = compiledByText.get(text);
  if (compiled) return compiled;
  compiled = compileUncached(text);
  if (compiledByText.size >= MAX_MEMO_ENTRIES) compiledByText.clear();
  compiledByText.set(text, compiled);
  return compiled;
}

/**
 * A policy is checked (parse.ts) before it is evaluated, and both need every expression compiled:
 * the second time is a lookup. A compiled program holds no evaluation state, so sharing it is
 * safe; the cap keeps a long `vouch policy test` run from growing without bound.
 */
const compiledByText = new Map<string, Compiled>();
const MAX_MEMO_ENTRIES = 4096;

/** Forgets every compiled expression (a process that runs many unrelated policies; benchmarks of a cold compile). */
export function clearCompiledExpressions(): void {
  compiledByText.clear();
}

function compileUncached(text: string): Compiled {
  let program: ParseResult;
  try {
    program = policyEnvironment().parse(text);
  } catch (err) {
    return { problem: `CEL does not parse: ${firstLine(err)}` };
  }
  const checked = program.check();
  if (!checked.valid) return { problem: `CEL does not type-check: ${firstLine(checked.error)}` };
  if (checked.type !== 'bool' && checked.type !== 'dyn') return { problem: `CEL must give a bool, gives ${checked.type}` };
  const regex = unsafeRegex(program.ast);
  if (regex) return { problem: regex };
  const cost = estimateCost(program.ast, LEAF);
  if (!(cost <= MAX_RULE_COST)) return { problem: `CEL cost is unbounded: about ${formatCost(cost)} steps before any evidence (limit ${formatCost(MAX_RULE_COST)})` };
  return { program };
}

export function formatCost(cost: number): string {
  return Number.isFinite(cost) ? cost.toExponential(1) : 'infinitely many';
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}

/**
 * `matches()` takes a regular expression from the policy and runs it with a backtracking engine.
 * The pattern must be a literal (so it can be checked here) without the constructs that make
 * backtracking exponential: back-references, and a repeated group that itself contains a
 * repetition or an alternation ((a+)+, (a|aa)*). Character classes cover the legitimate uses.
 */
function unsafeRegex(node: ASTNode): string | undefined {
  for (const n of walk(node)) {
    if ((n.op !== 'call' && n.op !== 'rcall') || n.args[0] !== 'matches') continue;
    const args = n.op === 'rcall' ? n.args[2] : n.args[1];
    const pattern = args[args.length - 1];
    if (pattern?.op !== 'value' || typeof pattern.args !== 'string') return 'matches() needs a string literal pattern, so that it can be checked';
    const why = regexHazard(pattern.args);
    if (why) return `matches(${JSON.stringify(pattern.args)}): ${why}; use a character class or matchesGlob()`;
  }
  return undefined;
}

export function regexHazard(pattern: string): string | undefined {
  if (pattern.length > 1024) return 'pattern longer than 1024 characters';
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references can backtrack exponentially';
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    return `not a valid regular expression (${firstLine(err)})`;
  }
  const groups: { repeats: boolean }[] = [{ repeats: false }];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(pattern, i);
    else if (c === '(') groups.push({ repeats: false });
    else if (c === '|') (groups[groups.length - 1] as { repeats: boolean }).repeats = true;
    else if (isRepeat(pattern, i)) (groups[groups.length - 1] as { repeats: boolean }).repeats = true;
    else if (c === ')') {
      const inner = groups.pop() ?? { repeats: false };
      const outer = groups[groups.length - 1] ?? { repeats: false };
      if (inner.repeats && isRepeat(pattern, i + 1)) return 'a repeated group contains a repetition or alternation (exponential backtracking)';
      outer.repeats ||= inner.repeats;
    }
  }
  return undefined;
}

/** `*`, `+` and `{n,}` / `{n,m}` with m > 1 repeat; `?` and `{0,1}` do not. */
function isRepeat(pattern: string, i: number): boolean {
  const c = pattern[i];
  if (c === '*' || c === '+') return true;
  const m = c === '{' ? /^\{(\d*)(,(\d*))?\}/.exec(pattern.slice(i)) : null;
  if (!m) return false;
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
  return max > 1;
}

function classEnd(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}

function* walk(node: ASTNode): Generator<ASTNode> {
  yield node;
  const args: unknown = node.args;
  if (!Array.isArray(args)) {
    if (isNode(args)) yield* walk(args);
    return;
  }
  for (const a of args) {
    if (isNode(a)) yield* walk(a);
    else if (Array.isArray(a)) for (const b of a) if (isNode(b)) yield* walk(b);
      else if (Array.isArray(b)) for (const c of b) if (isNode(c)) yield* walk(c);
  }
}

function isNode(value: unknown): value is ASTNode {
  return value !== null && typeof value === 'object' && 'op' in value && 'args' in value;
}
