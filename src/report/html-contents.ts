import type { Evidence, Finding } from '../evidence/index.js';
import { code, esc, facts, section, status, table } from './html-markup.js';

/**
 * The contents part of the HTML report: the checks, the SBOM documents, the installed packages
 * and the reconciliation, with every finding in one table that the inline script filters by
 * text and by code (the table is complete without the script, and in print).
 */
export function contentSections(evidence: Evidence): string {
  return [checksSection(evidence), sbomSection(evidence), reconciliationSection(evidence)].join('\n');
}

function checksSection(evidence: Evidence): string {
  const rows = evidence.checks.map((c) => [
    status(c.status),
    code(c.id),
    code(c.code),
    [esc(c.message), c.expected === undefined ? '' : `expected ${code(c.expected)}`, c.found === undefined ? '' : `found ${code(c.found)}`].filter(Boolean).join('<br>'),
  ]);
  return section('checks', `Checks (${evidence.checks.length})`, table('Every check that ran, sorted by id', ['Status', 'Check', 'Code', 'Detail'], rows));
}

function sbomSection(evidence: Evidence): string {
  if (evidence.sbom === null) return section('sbom', 'SBOM documents', '<p class="muted">SBOMs are not examined for this kind of subject.</p>');
  const rows = evidence.sbom.documents.map((d) => [
    code(d.origin),
    esc(`${d.format} ${d.specVersion}`),
    esc(d.name),
    esc(d.created),
    esc(d.packages.length),
    esc(d.fileCount),
    d.issues.length === 0 ? status('none', 'pass') : d.issues.slice(0, 20).map((i) => `${code(i.path)} ${esc(i.reason)}`).join('<br>') + (d.issues.length > 20 ? `<br>… ${d.issues.length - 20} more` : ''),
  ]);
  return section('sbom', `SBOM documents (${evidence.sbom.status})`,
    table('Every SBOM document read', ['Origin', 'Format', 'Name', 'Created', 'Packages', 'Files', 'Issues'], rows));
}

function reconciliationSection(evidence: Evidence): string {
  const inv = evidence.inventory;
  const rec = evidence.reconciliation;
  const parts: string[] = [];
  if (inv) {
    parts.push(facts('Inventory', [
      ['Package database', code(inv.source)],
      ['Installed packages', esc(inv.packages.length)],
      ['Files', esc(inv.fileCount)],
      ['Layers', inv.layers ? inv.layers.map((l) => `${code(l.digest)} ${esc(l.mediaType)}, ${esc(l.size)} bytes, ${esc(l.files)} entries`).join('<br>') : ''],
    ]));
  }
  if (!rec) {
    parts.push('<p class="muted">No reconciliation was made for this subject.</p>');
    return section('reconciliation', 'Reconciliation', parts.join('\n'));
  }
  const s = rec.summary;
  parts.push(facts('Summary', [
    ['Matched', esc(s.matched)], ['Missing', esc(s.missing)], ['Unowned', esc(s.unowned)], ['Modified', esc(s.modified)], ['Mismatched', esc(s.mismatched)],
  ]));
  const byCode = countByCode(rec.findings);
  parts.push(table('Findings grouped by code', ['Code', 'Count'], byCode.map(([c, n]) => [code(c), esc(n)])));
  if (rec.findings.length > 0) parts.push(filters(byCode, rec.findings.length));
  const rows = rec.findings.map((f) => [esc(f.package), code(f.path), code(f.expected), code(f.found), `${code(f.code)}<br>${esc(f.message)}`]);
  const rowAttrs = rec.findings.map((f) => ` data-code="${esc(f.code)}"`);
  parts.push(table('Every finding: package, path, what was expected and what was found', ['Package', 'Path', 'Expected', 'Found', 'Finding'], rows, ' id="findings"', rowAttrs));
  return section('reconciliation', `Reconciliation (${rec.findings.length} findings)`, parts.join('\n'));
}

function countByCode(findings: readonly Finding[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function filters(byCode: readonly [string, number][], total: number): string {
  const options = byCode.map(([c, n]) => `<option value="${esc(c)}">${esc(c)} (${esc(n)})</option>`).join('');
  return `<div class="filters"><label>Filter findings <input id="findings-filter" type="search" placeholder="path, package or code"></label>
<label>Code <select id="findings-code"><option value="">all codes</option>${options}</select></label>
<span><span id="findings-shown">${esc(total)}</span> of ${esc(total)} shown</span></div>`;
}
