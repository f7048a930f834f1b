import { serialize } from '@marcbachmann/cel-js';
import type { ASTNode } from '@marcbachmann/cel-js';
import { parsePolicyExpression } from './cel-env.js';

const MAX_SHOWN = 10;

/**
 * Why a rule failed, in terms of the evidence: for a rule that demands `<list>.all(x, P)` (alone
 * or as one side of &&), the elements for which P does not hold, e.g. "not satisfied by:
 * provenance.expect.source-uri (SOURCE_URI_MISMATCH)". This is the auditor's first question and
 * the report's "found" for a rule. It re-runs only the part of the rule that failed, over the same
 * context, so it costs no more than the rule did.
 */
export function explainFailure(ast: ASTNode, context: Record<string, unknown>): string | undefined {
  const found = existential(ast, context);
  if (found) return found;
  for (const all of universals(ast)) {
    const [range, variable, body] = all;
    let culprits: unknown;
    try {
      const filter = `(${serialize(range)}).filter(${variable}, !(${serialize(body)}))`;
      culprits = parsePolicyExpression(filter)(context);
    } catch {
      continue;
    }
    if (!Array.isArray(culprits) || culprits.length === 0) continue;
    const shown = culprits.slice(0, MAX_SHOWN).map(describe);
    const more = culprits.length > shown.length ? ` and ${culprits.length - shown.length} more` : '';
    return `${serialize(range)}: not satisfied by ${shown.join(', ')}${more}`;
  }
  return undefined;
}

/**
 * For a rule that is `<list>.exists(x, P)` and failed: what the list held instead, e.g. "found
 * signatures: sigstore-bundle from a.sigstore.json (SIGNATURE_INVALID)" or "found no provenance".
 */
function existential(ast: ASTNode, context: Record<string, unknown>): string | undefined {
  if (ast.op !== 'rcall' || ast.args[0] !== 'exists') return undefined;
  const range = ast.args[1];
  let items: unknown;
  try {
    items = parsePolicyExpression(serialize(range))(context);
  } catch {
    return undefined;
  }
  if (!Array.isArray(items)) return undefined;
  if (items.length === 0) return `found no ${serialize(range)}`;
  const shown = items.slice(0, MAX_SHOWN).map(describe);
  const more = items.length > shown.length ? ` and ${items.length - shown.length} more` : '';
  return `none satisfies it; found ${serialize(range)}: ${shown.join(', ')}${more}`;
}

/** The `<range>.all(<var>, <body>)` calls that must hold for the whole expression to hold. */
function universals(ast: ASTNode): [ASTNode, string, ASTNode][] {
  if (ast.op === '&&') return [...universals(ast.args[0]), ...universals(ast.args[1])];
  if (ast.op === 'rcall' && ast.args[0] === 'all' && ast.args[2][0]?.op === 'id' && ast.args[2][1]) {
    return [[ast.args[1], ast.args[2][0].args, ast.args[2][1]]];
  }
  return [];
}

/** A short name for an evidence element: a check by id and code, a package by name, else its source. */
function describe(element: unknown): string {
  if (element === null || typeof element !== 'object') return String(element);
  const e = element as Record<string, unknown>;
  const str = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  if (str('id') && str('code')) return `${str('id')} (${str('code')})`;
  // A reconciliation finding: its code, where, and expected vs found (what an auditor acts on).
  if (str('level') && str('code')) {
    const where = str('path') ?? str('package') ?? '';
    const diff = str('expected') !== undefined || str('found') !== undefined ? ` expected ${str('expected') ?? '-'}, found ${str('found') ?? '-'}` : '';
    return `${str('code')} ${where}${diff}`.trim();
  }
  if (str('name')) return `${str('name')}${str('version') ? ` ${str('version')}` : ''}`;
  const verified = typeof e['verified'] === 'boolean' ? (e['verified'] ? ', verified' : ', not verified') : '';
  const code = str('code') ? ` (${str('code')}${verified})` : verified ? ` (${verified.slice(2)})` : '';
  if (str('builderId')) return `provenance by ${str('builderId')}${code}`;
  if (str('source')) return `${str('kind') ?? str('predicateType') ?? 'item'} from ${str('source')}${code}`;
  if (str('origin')) return str('origin') as string;
  const json = JSON.stringify(element, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
