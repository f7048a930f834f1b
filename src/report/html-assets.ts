import { createHash } from 'node:crypto';

/**
 * The inline style and script of the HTML report. The report is one file an auditor opens,
 * prints and archives, so nothing is loaded from elsewhere: no fonts, no stylesheets, no
 * scripts. The script only filters the findings table; the report reads completely without it
 * (printing shows every row).
 */
export const HTML_STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --pass: #116329; --fail: #a40e26; --warn: #7d4e00; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0 auto; max-width: 1200px; padding: 0 1.5rem 3rem; }
header.banner { color: #fff; padding: 1rem 1.5rem; margin: 0 -1.5rem 1.5rem; }
header.banner.pass { background: var(--pass); }
header.banner.fail { background: var(--fail); }
header.banner h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
header.banner p { margin: 0; overflow-wrap: anywhere; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; font-size: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; }
th[scope=col] { white-space: nowrap; }
th[scope=row] { width: 14rem; font-weight: 600; }
code { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.status { font-weight: 700; white-space: nowrap; }
.status.pass, .status.verified { color: var(--pass); }
.status.fail, .status.unverified { color: var(--fail); }
.status.waived, .status.absent { color: var(--warn); }
.status.not-applicable, .status.skipped { color: var(--muted); }
.notices li { color: var(--warn); font-weight: 600; }
.muted { color: var(--muted); }
.filters { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; flex-wrap: wrap; }
.filters input { min-width: 20rem; padding: .25rem .4rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: 12px; }
@media print { .filters { display: none; } tr[hidden] { display: table-row; } header.banner { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;

/** Filters the findings table by free text and by finding code. */
export const HTML_SCRIPT = `
(function () {
  var table = document.getElementById('findings');
  var text = document.getElementById('findings-filter');
  var code = document.getElementById('findings-code');
  var count = document.getElementById('findings-shown');
  if (!table || !text || !code || !count) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function apply() {
    var needle = text.value.toLowerCase();
    var wanted = code.value;
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!wanted || row.getAttribute('data-code') === wanted) && (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = String(shown);
  }
  text.addEventListener('input', apply);
  code.addEventListener('change', apply);
})();
`;

/**
 * A Content-Security-Policy that allows exactly the inline style and script above and nothing
 * else: every string in the report comes from the subject (file names, SBOM fields, messages),
 * and escaping is the first defence against markup in them; the policy is the second, so that a
 * missed escape still cannot run a script or fetch anything.
 */
export const HTML_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(HTML_STYLE).digest('base64')}'`,
  `script-src 'sha256-${createHash('sha256').update(HTML_SCRIPT).digest('base64')}'`,
  "img-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');
