import parseSpdxExpression from 'spdx-expression-parse';

/**
 * SPDX license expressions through spdx-expression-parse: validation for the readers, and a
 * canonical form so that the reconciliation can tell "MIT AND GPL-2.0-or-later" and
 * "GPL-2.0-or-later AND MIT" apart from a real disagreement.
 */

type Info = ReturnType<typeof parseSpdxExpression>;

/** The SPDX keywords that stand for "no statement" rather than a license. */
export const NO_ASSERTION = new Set(['NOASSERTION', 'NONE']);

/** Undefined when the value is a valid SPDX expression (or NOASSERTION/NONE), else the reason. */
export function licenseProblem(expression: string): string | undefined {
  if (NO_ASSERTION.has(expression)) return undefined;
  try {
    parseSpdxExpression(expression);
    return undefined;
  } catch (err) {
    return `not a valid SPDX license expression: ${(err as Error).message}`;
  }
}

// Deprecated GNU identifiers mean the "-only" licence; "+" means "-or-later" (SPDX license list).
const GNU = /^(GPL|LGPL|AGPL|GFDL)-\d\.\d$/;

function leaf(license: string, plus: boolean | undefined): string {
  if (GNU.test(license)) return `${license}-${plus ? 'or-later' : 'only'}`;
  return plus ? `${license}+` : license;
}

function canonical(info: Info): string {
  if ('license' in info) {
    const base = leaf(info.license, info.plus);
    return info.exception ? `${base} WITH ${info.exception}` : base;
  }
  // Flatten runs of the same operator so that (a AND b) AND c equals a AND (c AND b).
  const op = info.conjunction;
  const parts: string[] = [];
  const collect = (node: Info): void => {
    if (!('license' in node) && node.conjunction === op) {
      collect(node.left);
      collect(node.right);
    } else {
      const text = canonical(node);
      parts.push('license' in node ? text : `(${text})`);
    }
  };
  collect(info);
  return [...new Set(parts)].sort().join(` ${op.toUpperCase()} `);
}

/** The canonical text of an expression, or undefined when it is not a valid expression. */
export function canonicalLicense(expression: string): string | undefined {
  if (NO_ASSERTION.has(expression)) return expression;
  try {
    return canonical(parseSpdxExpression(expression));
  } catch {
    return undefined;
  }
}

/**
 * Whether two license statements say the same: equal canonical expressions, or (when one is
 * not a valid expression, as free-text apk L: fields can be) equal text after trimming.
 */
export function sameLicense(a: string, b: string): boolean {
  const ca = canonicalLicense(a.trim());
  const cb = canonicalLicense(b.trim());
  if (ca !== undefined && cb !== undefined) return ca === cb;
  return a.trim() === b.trim();
}
