import parseSpdx from 'spdx-expression-parse';

/**
 * License agreement between a package manager's license field and an SBOM's SPDX expression.
 * Both are parsed with spdx-expression-parse and compared structurally: AND/OR operands are
 * flattened and sorted, ids compared case-insensitively, so `(A OR B)` agrees with `B OR A`.
 * A field that is not an SPDX expression (Alpine's older `GPL2+`, melange's `Public-Domain`)
 * must match the other side word for word (whitespace and case aside).
 */
export function licensesAgree(installed: readonly string[], sbomExpression: string): boolean {
  // melange writes one `license =` line per copyright entry; its SBOM joins them into one expression.
  const candidates = installed.length === 1 ? installed : [installed.join(' AND '), installed.join(' OR ')];
  const target = canonicalLicense(sbomExpression);
  return candidates.some((c) => canonicalLicense(c) === target);
}

/** A canonical form of a license expression (SPDX when it parses, else normalised text). */
export function canonicalLicense(expression: string): string {
  try {
    return canonical(parseSpdx(expression.trim()));
  } catch {
    return `text:${expression.trim().replace(/\s+/g, ' ').toLowerCase()}`;
  }
}

function canonical(node: parseSpdx.Info): string {
  if ('license' in node) {
    return `${node.license.toLowerCase()}${node.plus ? '+' : ''}${node.exception ? ` with ${node.exception.toLowerCase()}` : ''}`;
  }
  const operands = flatten(node, node.conjunction).map(canonical).sort();
  return `(${[...new Set(operands)].join(` ${node.conjunction} `)})`;
}

function flatten(node: parseSpdx.Info, conjunction: 'and' | 'or'): parseSpdx.Info[] {
  if ('conjunction' in node && node.conjunction === conjunction) return [...flatten(node.left, conjunction), ...flatten(node.right, conjunction)];
  return [node];
}
