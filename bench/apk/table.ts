/** Prints rows as a markdown table with padded columns. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const [k, r] of rows.entries()) {
    console.log(`| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`);
    if (k === 0) console.log(`| ${widths.map((w) => '-'.repeat(Math.max(3, w))).join(' | ')} |`);
  }
}

export const ms = (seconds: number): string => (seconds * 1000).toFixed(2);
export const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
