/**
 * Building blocks of the HTML report. Every value that reaches the page goes through `esc`:
 * it comes from the subject (paths, SBOM fields, signer identities, messages) and may be
 * written by an attacker to break out of the markup.
 */

/** Escapes text for element content and double-quoted attributes; control characters shown as \uXXXX. */
export function esc(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return String(value)
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Inline code. */
export function code(value: string | undefined): string {
  return value === undefined || value === '' ? '' : `<code>${esc(value)}</code>`;
}

/** A status word with its class, e.g. pass / fail / waived. */
export function status(word: string, cls = word): string {
  return `<span class="status ${esc(cls)}">${esc(word)}</span>`;
}

/**
 * A table with column headers; cells are already markup. An empty body says so in one row.
 * `rowAttrs[i]`, when given, is markup added to the i-th body row's tag (e.g. a data attribute).
 */
export function table(caption: string, headers: readonly string[], rows: readonly (readonly string[])[], attrs = '', rowAttrs: readonly string[] = []): string {
  const head = `<thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.length === 0
    ? `<tr><td colspan="${headers.length}" class="muted">none</td></tr>`
    : rows.map((r, i) => `<tr${rowAttrs[i] ?? ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${attrs}><caption class="muted">${esc(caption)}</caption>${head}<tbody>\n${body}\n</tbody></table>`;
}

/** A two-column table of named values; rows whose value is empty are left out. */
export function facts(caption: string, rows: readonly (readonly [string, string])[]): string {
  const body = rows.filter(([, v]) => v !== '').map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${v}</td></tr>`).join('\n');
  return `<table><caption class="muted">${esc(caption)}</caption><tbody>\n${body}\n</tbody></table>`;
}

/** A section with a second-level heading and an id to link to. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}" aria-labelledby="${esc(id)}-h"><h2 id="${esc(id)}-h">${esc(title)}</h2>\n${body}\n</section>`;
}

/** Digests as `algorithm:hex`, one per line. */
export function digests(map: Readonly<Record<string, string>> | undefined): string {
  if (!map) return '';
  return Object.keys(map).sort().map((alg) => code(`${alg}:${map[alg] ?? ''}`)).join('<br>');
}
