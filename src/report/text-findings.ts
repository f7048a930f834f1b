import { byKeys } from '../evidence/index.js';
import type { Finding, ReconciliationEvidence, ReconciliationLevel } from '../evidence/index.js';
import type { Para } from './text-evidence.js';

/** How many findings of one code the text report lists without --verbose; JSON has all of them. */
export const FINDINGS_PER_CODE = 20;

/** Codes are listed file level first (what is on disk), then package, then provenance. */
const LEVEL_ORDER: Readonly<Record<ReconciliationLevel, number>> = { file: 0, package: 1, provenance: 2 };

/**
 * The reconciliation: the summary counts, then the findings grouped by code with a count each
 * (unowned files last, since image builders write many that a policy's allow-list accepts), and
 * under each code its first FINDINGS_PER_CODE paths (all of them when verbose). A Debian image's
 * 1,855 unowned files become one heading and twenty lines, not 1,855 lines. A failed rule's
 * reason names the findings that broke it whatever this list shows.
 */
export function reconciliationLines(rec: ReconciliationEvidence, para: Para, verbose: boolean): void {
  const s = rec.summary;
  para(`${s.matched} matched, ${s.missing} missing, ${s.unowned} unowned, ${s.modified} modified, ${s.mismatched} mismatched`, '    ', '  ');
  const groups = new Map<string, Finding[]>();
  for (const f of [...rec.findings].sort(compareFindings)) {
    const list = groups.get(f.code);
    if (list) list.push(f);
    else groups.set(f.code, [f]);
  }
  for (const [code, list] of groups) {
    // What every finding of a code expected is said once, in its heading.
    const expected = list[0]?.expected;
    const shared = expected !== undefined && list.every((f) => f.expected === expected && f.found !== undefined) ? expected : undefined;
    para(`${code} (${list.length})${shared !== undefined ? `: expected ${shared}` : ''}`, '    ', '  ');
    const shown = verbose ? list : list.slice(0, FINDINGS_PER_CODE);
    for (const f of shown) para(findingText(f, shared !== undefined), '        ', '    ');
    const more = list.length - shown.length;
    if (more > 0) para(`and ${more} more ${code} (--verbose or --format json lists them all)`, '      ', '    ');
  }
}

function findingText(f: Finding, expectedSaid: boolean): string {
  const where = f.path !== undefined ? `${f.path}${f.package !== undefined ? ` (${f.package})` : ''}` : (f.package ?? '');
  const what = expectedSaid ? `found ${f.found ?? ''}` : f.expected !== undefined && f.found !== undefined ? `expected ${f.expected}, found ${f.found}` : f.message;
  return where !== '' ? `${where}: ${what}` : what;
}

const byFindingKeys = byKeys<Finding>((f) => f.package, (f) => f.path, (f) => f.expected, (f) => f.found, (f) => f.message);

const unowned = (f: Finding): number => (f.code === 'FILE_UNOWNED' ? 1 : 0);

function compareFindings(a: Finding, b: Finding): number {
  return unowned(a) - unowned(b) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || byFindingKeys(a, b);
}
