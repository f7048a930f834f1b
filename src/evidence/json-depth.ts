/**
 * Nesting depth of untrusted JSON, measured before anything recursive touches it.
 *
 * JSON.parse itself copes with deep nesting, but everything after it that walks the value — field
 * checks, schema validators, stableStringify, structuredClone — recurses, and a document nested
 * 100,000 levels (a few hundred kilobytes of `[`) overflows the stack and ends as INTERNAL. The
 * depth is therefore measured on the text, in one linear pass without recursion, and a document
 * nested deeper than the cap is refused as LIMIT_EXCEEDED before it is parsed.
 *
 * The cap is far above real documents (the deepest real bundles, provenance, SBOMs and manifests
 * nest under 20 levels) and far below what the recursive code after it can take.
 */
import { fail } from '../errors.js';

/** Deepest nesting of objects and arrays accepted in any JSON input. */
export const MAX_JSON_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The deepest nesting of `[` and `{` in JSON text, outside strings (a bracket inside a string, or
 * an escaped quote, does not count); it stops counting once `max` is passed. Text that is not
 * JSON gets some number too: the parser after this rejects it.
 */
export function jsonDepth(text: string, max: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Strings are most of a document's bytes: jump to the closing quote with a native search
      // (a quote is escaped by an odd run of backslashes before it) instead of a loop per char.
      const end = closingQuote(text, i);
      if (end < 0) return deepest; // an unterminated string: the parser after this rejects it
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return deepest;
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at >= 0; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/**
 * Refuses JSON text nested deeper than `max` levels, naming the input.
 * @throws VouchError LIMIT_EXCEEDED
 */
export function assertJsonDepth(text: string, what: string, max: number = MAX_JSON_DEPTH): void {
  if (jsonDepth(text, max) > max) {
    fail('LIMIT_EXCEEDED', `${what} is nested more than ${max} levels deep`, { details: { limit: max } });
  }
}

/** The problem with JSON text nested too deep, as a sentence; undefined when it is within the cap. */
export function jsonDepthProblem(text: string, max: number = MAX_JSON_DEPTH): string | undefined {
  return jsonDepth(text, max) > max ? `nested more than ${max} levels deep` : undefined;
}

/**
 * The same cap for a value that is already parsed (a bundle taken out of an attestation file or
 * rebuilt from an image's annotations): walked with an explicit stack, never recursively.
 */
export function valueTooDeep(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.value === null || typeof top.value !== 'object') continue;
    const depth = top.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(top.value)) stack.push({ value: child, depth });
  }
  return false;
}

/**
 * JSON.parse for bytes vouch did not write (manifests, configs, bundles, log and registry answers,
 * files named by the user): the depth is measured on the text first, so that no recursive code
 * after the parse can be made to overflow the stack. A test keeps every JSON.parse in the library
 * behind this function, except on inputs vouch ships itself.
 * @throws VouchError LIMIT_EXCEEDED when nested too deep; SyntaxError as JSON.parse does
 */
export function parseUntrustedJson(text: string, what: string): unknown {
  assertJsonDepth(text, what);
  return JSON.parse(text) as unknown;
}
