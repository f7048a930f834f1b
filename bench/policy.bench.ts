/**
 * Policy engine cost: parsing + compiling the built-in policies, and evaluating them over a large
 * image's evidence (500 installed packages, one SBOM document each, 40 checks, 2000 findings),
 * next to the floor measured in the same run: JSON.parse of the same evidence plus the same
 * decisions hand-written in plain JavaScript loops. Also: the cost-bound overhead (shape of the
 * context + estimate of every rule) and rendering each report format.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Evidence } from '../src/evidence/index.js';
import { clearCompiledExpressions, compileExpression, costLimits, estimateCost, evaluatePolicies, parsePolicy, measure, toCelValue } from '../dist/policy/index.js';
import type { Policy } from '../src/policy/index.js';
import { renderReport } from '../dist/report/index.js';
import type { ReportFormat } from '../src/report/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILTINS = ['default', 'signature', 'provenance', 'strict'];
const NOW = new Date('2026-11-02T00:00:00Z');

function largeEvidence(packages: number): Evidence {
  const base = JSON.parse(readFileSync(`${ROOT}/testdata/evidence/image-full.json`, 'utf8')) as Evidence;
  const pkgs = Array.from({ length: packages }, (_, i) => ({ name: `package-${String(i).padStart(4, '0')}`, version: `1.${i}.0-r0`, files: 40 }));
  const checks = Array.from({ length: 40 }, (_, i) => ({ id: `image.layer.${String(i).padStart(2, '0')}`, status: 'pass' as const, code: 'LAYER_DIGEST_MATCHED', message: 'layer digest matches' }));
  return {
    ...base,
    checks: [...base.checks, ...checks].sort((a, b) => (a.id < b.id ? -1 : 1)),
    inventory: { source: 'usr/lib/apk/db/installed', packages: pkgs, fileCount: packages * 40 },
    sbom: {
      status: 'present',
      documents: pkgs.map((p) => ({
        origin: `var/lib/db/sbom/${p.name}-${p.version}.spdx.json`, format: 'spdx' as const, specVersion: 'SPDX-2.3', fileCount: 40, issues: [],
        packages: [{ name: p.name, version: p.version, licenseDeclared: 'MIT', purl: `pkg:apk/wolfi/${p.name}@${p.version}?arch=x86_64` }],
      })),
    },
    reconciliation: {
      summary: { matched: packages * 40, missing: 0, unowned: 0, modified: 0, mismatched: 0 },
      findings: [],
    },
  };
}

/** Median wall time of fn in milliseconds over enough runs to last ~300 ms (at least 5). */
function time(fn: () => unknown): number {
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < 300 && samples.length < 1000)) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

/** The same decisions as default + signature + provenance + strict, as plain loops: the floor. */
function handWritten(e: Evidence): boolean {
  const checksOk = e.checks.length > 0 && e.checks.every((c) => c.status === 'pass' || c.status === 'skipped');
  const signed = e.signatures.some((s) => s.verified && (s.tlog?.length ?? 0) > 0);
  const prov = e.provenance.some((p) => p.verified) && e.checks.some((c) => c.id.startsWith('provenance.') && c.status === 'pass');
  const names = new Set(e.sbom?.documents.flatMap((d) => d.packages.map((p) => p.name)) ?? []);
  const covered = e.inventory?.packages.every((p) => names.has(p.name)) ?? false;
  const clean = (e.sbom?.documents.every((d) => d.issues.length === 0) ?? false) && e.reconciliation?.findings.length === 0;
  return checksOk && signed && prov && covered && clean && e.warnings.length === 0;
}

export async function run(): Promise<void> {
  const texts = BUILTINS.map((n) => readFileSync(`${ROOT}/policies/${n}.yaml`, 'utf8'));
  const rows: [string, number, string][] = [];
  const row = (name: string, ms: number, note = '') => rows.push([name, ms, note]);

  // vouch compiles an expression once per process (a memo by text): these rows clear it, so that
  // they measure what each run pays once.
  row('parse + compile 4 built-in policies', time(() => {
    clearCompiledExpressions();
    return texts.map((t, i) => parsePolicy(t, `builtin:${BUILTINS[i]}`));
  }), `${texts.length} files`);
  const rules = texts.flatMap((t) => parsePolicy(t, 'x').rules);
  row('compile one rule (mean of built-ins)', time(() => {
    clearCompiledExpressions();
    rules.forEach((r) => compileExpression(r.expression));
  }) / rules.length, `${rules.length} rules`);
  const policies: Policy[] = texts.map((t, i) => parsePolicy(t, `builtin:${BUILTINS[i]}`));

  for (const n of [50, 500, 2000]) {
    const evidence = largeEvidence(n);
    const json = JSON.stringify(evidence);
    const report = evaluatePolicies(policies, evidence, NOW);
    if (report.verdict !== 'pass' || !handWritten(evidence)) throw new Error(`benchmark evidence should pass (${n})`);
    row(`floor: JSON.parse + hand-written rules (${n} pkgs)`, time(() => handWritten(JSON.parse(json) as Evidence)), `${(json.length / 1024).toFixed(0)} KiB`);
    row(`vouch: JSON.parse + evaluate 4 policies (${n} pkgs)`, time(() => evaluatePolicies(policies, JSON.parse(json) as Evidence, NOW)), `${report.results.length} rules`);
    const context = toCelValue(evidence) as Record<string, unknown>;
    const programs = rules.map((r) => compileExpression(r.expression).program).filter((p) => p !== undefined);
    row(`  of which the cost bound: shape, size + ${programs.length} estimates (${n} pkgs)`, time(() => {
      const { shape, units } = measure(context);
      costLimits(units);
      return programs.map((p) => estimateCost(p.ast, shape));
    }), 'run before any rule');
    const { shape, units } = measure(context);
    const estimate = Math.max(...programs.map((p) => estimateCost(p.ast, shape)));
    row(`  largest rule estimate (${n} pkgs)`, 0, `${estimate.toExponential(1)} steps (limit ${costLimits(units).rule.toExponential(1)})`);
    if (n === 500) {
      for (const format of ['json', 'text', 'sarif', 'junit', 'markdown'] as ReportFormat[]) {
        row(`render ${format} (${n} pkgs)`, time(() => renderReport(report, format, { color: false })), `${(renderReport(report, format, { color: false }).length / 1024).toFixed(0)} KiB`);
      }
    }
  }
  console.log('| step | median ms | note |');
  console.log('| --- | ---: | --- |');
  for (const [name, ms, note] of rows) console.log(`| ${name} | ${ms === 0 ? '' : ms.toFixed(3)} | ${note} |`);
}
