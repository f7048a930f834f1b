import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import { parsePolicyExpression } from './cel-env.js';
import { estimateCost } from './cost.js';
import { nodes, RE2_MATCHES, re2Problem } from './re2-matches.js';
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
 * the result being bool, regular expressions RE2 does not accept (matches() runs on RE2), and a cost
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
    program = parsePolicyExpression(text);
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
 * `matches()` runs on RE2 (re2-matches.ts), so no pattern can backtrack; what is checked here is
 * that the pattern is a literal RE2 accepts, so that a policy with a back-reference or lookaround
 * is refused by `vouch policy lint` rather than failing its rule at evaluation. The pattern must be
 * a literal so that it can be checked (and so that cost.ts knows its length).
 */
function unsafeRegex(node: ASTNode): string | undefined {
  for (const n of nodes(node)) {
    if (n.op === 'call' || n.op === 'rcall') {
      // The internal name is reachable only through matches(), never written in a policy.
      if (n.args[0] === RE2_MATCHES) return `found no function ${RE2_MATCHES}`;
      if (n.args[0] !== 'matches') continue;
    } else continue;
    const args = n.op === 'rcall' ? n.args[2] : n.args[1];
    const pattern = args[args.length - 1];
    if (pattern?.op !== 'value' || typeof pattern.args !== 'string') return 'matches() needs a string literal pattern, so that it can be checked';
    const why = regexHazard(pattern.args);
    if (why) return `matches(${JSON.stringify(pattern.args)}) at character ${pattern.start + 1}: ${why}`;
  }
  return undefined;
}

/** Why a matches() pattern is refused (RE2 does not accept it, or it is too long), or undefined. */
export function regexHazard(pattern: string): string | undefined {
  return re2Problem(pattern);
}
