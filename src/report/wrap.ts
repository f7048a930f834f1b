/**
 * Wraps text at word boundaries to the given width: the first line starts with `first`, the
 * following ones with `indent`. A word longer than the line (a digest, a URL) stays whole on a
 * line of its own rather than being cut, since a cut digest cannot be copied. Control characters
 * from the evidence are shown escaped so that they cannot move the cursor of the reader's terminal.
 */
export function wrap(text: string, width: number, first: string, indent: string): string[] {
  const words = sanitize(text).split(/ +/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Escapes C0/C1 control characters (newlines included) except the ANSI colour we add ourselves. */
export function sanitize(text: string): string {
  return text.replace(/\u001b(?!\[\d+m)|[\u0000-\u001a\u001c-\u001f\u007f-\u009f]/g, (c) => (c === '\n' || c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function visibleLength(text: string): number {
  return text.replace(/\u001b\[\d+m/g, '').length;
}
