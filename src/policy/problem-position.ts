import { isNode, LineCounter, parseDocument } from 'yaml';
import type { PolicyProblem } from './parse.js';

/**
 * Adds the line and column of each problem's node in the YAML text, so that `vouch policy lint`
 * points where an editor can jump (file:line:column). A problem about a field that is missing
 * points at the nearest mapping that exists. The text is parsed a second time only when there are
 * problems to locate, and only after the first parse accepted it (size, depth and aliases capped).
 */
export function locateProblems(text: string, problems: readonly PolicyProblem[]): PolicyProblem[] {
  if (problems.every((p) => p.line !== undefined || p.path === '')) return [...problems];
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, schema: 'core' });
  return problems.map((p) => {
    if (p.line !== undefined || p.path === '') return p;
    const segments = p.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (let n = segments.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n).map(keyOf), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { ...p, line: pos.line, column: pos.col };
      }
    }
    return p;
  });
}

/** Sequence indexes are numbers in yaml's paths; mapping keys stay strings. */
function keyOf(segment: string): string | number {
  return /^(0|[1-9][0-9]{0,8})$/.test(segment) ? Number(segment) : segment;
}
