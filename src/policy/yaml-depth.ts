/**
 * Nesting depth of a YAML document (policy files, policy test files), bounded before it is parsed.
 *
 * yaml builds its document recursively, and so does everything that walks the result: a 1 MiB
 * policy of `[[[[…` or of `- - - - …` runs out of stack (yaml turns that into a parse error only
 * after seconds of work, and a little less depth would pass to our own walks). The depth is
 * therefore bounded first, in one pass over yaml's lexer tokens (the lexer is iterative and
 * linear), without building anything.
 *
 * The bound: flow collections (`[`, `{`) count one level each. In block context every nested node
 * starts at a column strictly greater than its parent's, except a block sequence that is the value
 * of a mapping key, which may start at the key's own column; so the chain of strictly increasing
 * start columns (kept as a stack, as Python's tokenizer keeps indentation) has at least half as
 * many entries as there are block levels, and twice its length bounds them.
 */
import { CST, Lexer } from 'yaml';

/** Deepest nesting accepted in a policy or policy test file (real ones nest under 15 levels). */
export const MAX_YAML_DEPTH = 128;

// Zero-width control tokens of yaml's lexer: document mode, flow error end, and the scalar marker,
// which says that the next token is the source of a scalar (of any type, a block scalar included).
const SCALAR_MARKER = '\x1f';
const CONTROL = new Set(['\x02', '\x18', SCALAR_MARKER, '\uFEFF']);

/** An upper bound of the nesting depth of YAML text; counting stops once `max` is passed. */
export function yamlDepthBound(text: string, max: number = MAX_YAML_DEPTH): number {
  const columns: number[] = [];
  let flow = 0;
  let column = 0;
  let lineStart = true;
  let nodeFollows = false;
  let scalarFollows = false;
  let deepest = 0;
  const startNode = (): boolean => {
    while (columns.length > 0 && (columns[columns.length - 1] ?? 0) >= column) columns.pop();
    columns.push(column);
    deepest = Math.max(deepest, 2 * columns.length + flow);
    return deepest > max;
  };
  for (const token of new Lexer().lex(text)) {
    if (token === SCALAR_MARKER) scalarFollows = true;
    if (CONTROL.has(token)) continue;
    const type = scalarFollows ? 'scalar-source' : CST.tokenType(token);
    scalarFollows = false;
    if (type === 'newline') {
      column = 0;
      lineStart = true;
      nodeFollows = false;
      continue;
    }
    if (type === 'space' || type === 'comment') {
      column += token.length;
      continue;
    }
    if (type === 'doc-start' || type === 'doc-end') {
      columns.length = 0;
      flow = 0;
    } else if (type === 'flow-map-end' || type === 'flow-seq-end') {
      flow = Math.max(0, flow - 1);
    } else if (flow === 0 && (lineStart || nodeFollows || type === 'seq-item-ind' || type === 'explicit-key-ind')) {
      if (type !== 'map-value-ind' && startNode()) return deepest;
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      flow++;
      deepest = Math.max(deepest, 2 * columns.length + flow);
      if (deepest > max) return deepest;
    }
    // After an indicator, what comes on the same line is a node nested in it.
    nodeFollows = flow === 0 && (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind');
    const newline = token.lastIndexOf('\n');
    column = newline < 0 ? column + token.length : token.length - newline - 1;
    lineStart = newline >= 0 && newline === token.length - 1;
  }
  return deepest;
}

/** The problem with YAML text nested too deep, as a sentence; undefined when it is within the cap. */
export function yamlDepthProblem(text: string, max: number = MAX_YAML_DEPTH): string | undefined {
  return yamlDepthBound(text, max) > max ? `nested more than ${max} levels deep (flow collections, and block collections by indentation)` : undefined;
}
