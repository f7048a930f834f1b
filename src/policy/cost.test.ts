import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isVouchError } from '../errors.js';
import { parseEvidence } from '../evidence/index.js';
import type { Evidence } from '../evidence/index.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { toCelValue } from './cel-env.js';
import { compileExpression, MAX_RULE_COST, regexHazard } from './compile.js';
import { estimateCost } from './cost.js';
import { evaluatePolicies } from './evaluate.js';
import { checkPolicyText, parsePolicy } from './parse.js';
import { shapeOf } from './shape.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const base = parseEvidence(readFileSync(`${PROJECT_ROOT}/testdata/evidence/image-full.json`, 'utf8'), 'image-full');

/** An image with n installed packages, each in its own SBOM document: a large, realistic input. */
function largeImage(n: number): Evidence {
  const packages = Array.from({ length: n }, (_, i) => ({ name: `package-${i}`, version: `1.${i}.0-r0`, files: 10 }));
  const documents = packages.map((p) => ({
    origin: `var/lib/db/sbom/${p.name}.spdx.json`, format: 'spdx' as const, specVersion: 'SPDX-2.3', fileCount: 10, issues: [],
    packages: [{ name: p.name, version: p.version, licenseDeclared: 'MIT', purl: `pkg:apk/wolfi/${p.name}@${p.version}` }],
  }));
  return { ...base, inventory: { source: 'usr/lib/apk/db/installed', packages, fileCount: n * 10 }, sbom: { status: 'present', documents } };
}

const policyWith = (expression: string) =>
  parsePolicy(`apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: hostile }\nspec:\n  rules:\n    - name: r\n      expression: '${expression}'\n      message: m\n`, 'hostile.yaml');

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isVouchError(err), String(err));
    return `${err.code}: ${err.message}`;
  }
  return assert.fail('expected the evaluation to be refused');
}

describe('evaluation cost is bounded', () => {
  test('nested comprehensions over a large list are refused before they run, with a clear error', () => {
    const evidence = largeImage(3000);
    const p = policyWith('inventory.packages.all(a, inventory.packages.all(b, inventory.packages.all(c, a.name + b.name != c.name)))');
    const message = refused(() => evaluatePolicies([p], evidence, NOW));
    assert.match(message, /^LIMIT_EXCEEDED: policy hostile rule r would take about .* evaluation steps over this evidence \(limit \d\.\de\+\d+\); it was not run$/);
  });

  test('doubling a string from the evidence with cel.bind is refused (memory is bounded too)', () => {
    // Each level makes the string 8 times longer: 8^10 times the reference, if it were run.
    let expr = 'a0.size() > 0';
    for (let i = 1; i <= 10; i++) expr = `cel.bind(a${i - 1}, ${Array(8).fill(`a${i}`).join(' + ')}, ${expr})`;
    expr = `cel.bind(a10, subject.reference, ${expr})`;
    assert.match(refused(() => evaluatePolicies([policyWith(expr)], base, NOW)), /^LIMIT_EXCEEDED/);
  });

  test('blow-ups visible without evidence are policy problems that lint reports', () => {
    const list = `[${Array.from({ length: 50 }, (_, i) => i).join(',')}]`;
    const nested = `${list}.all(a, ${list}.all(b, ${list}.all(c, ${list}.all(d, ${list}.all(e, true)))))`;
    assert.match(compileExpression(nested).problem ?? '', /unbounded/);
    let doubling = 's.size() > 0';
    for (let i = 0; i < 10; i++) doubling = `cel.bind(s, s + s + s + s + s + s + s + s, ${doubling})`;
    assert.match(compileExpression(`cel.bind(s, "ab", ${doubling})`).problem ?? '', /unbounded/);
    const { problems } = checkPolicyText(`apiVersion: vouch.dev/v1\nkind: Policy\nmetadata: { name: x }\nspec:\n  rules:\n    - { name: r, expression: '${nested}', message: m }\n`, 'x');
    assert.equal(problems[0]?.path, '/spec/rules/0/expression');
  });

  test('matches() patterns RE2 does not accept are refused at compile time; the rest pass, backtracking-prone or not', () => {
    for (const bad of ['(a)\\1', 'a(?=b)', '(?<!x)y', '(?<n>a)\\k<n>', '[', 'x'.repeat(1025)]) assert.ok(regexHazard(bad), bad);
    // RE2 runs these in linear time, so they are ordinary patterns now.
    for (const ok of ['(a+)+$', '(a|aa)*b', '.*x.*y', '^v[0-9]+(\\.[0-9]+)*$', '^https://github\\.com/acme/.*$', '(?i)^sha256:[0-9a-f]+$']) assert.equal(regexHazard(ok), undefined, ok);
    assert.match(compileExpression('subject.reference.matches("(a)\\\\1")').problem ?? '', /at character 27: not an RE2 regular expression \(invalid escape sequence/);
    assert.match(compileExpression('subject.reference.matches(subject.name)').problem ?? '', /string literal/);
    assert.match(compileExpression('subject.reference.vouchRe2Matches("a")').problem ?? '', /found no function/);
  });

  test('realistic rules over a large image are admitted and the estimate bounds the real work', () => {
    const evidence = largeImage(500);
    const context = toCelValue({ inventory: evidence.inventory, sbom: evidence.sbom, checks: evidence.checks }) as Record<string, unknown>;
    const shape = shapeOf(context);
    for (const expression of [
      'inventory.packages.all(p, sbom.documents.exists(d, d.packages.exists(q, q.name == p.name)))',
      'sbom.documents.all(d, d.packages.all(p, licenseSatisfies(p.licenseDeclared, ["MIT"]) && purl(p.purl).type == "apk"))',
      'checks.all(c, c.status != "fail")',
    ]) {
      const { program, problem } = compileExpression(expression);
      assert.ok(program, problem);
      const cost = estimateCost(program.ast, shape);
      assert.ok(cost <= MAX_RULE_COST, `${expression}: ${cost}`);
    }
    const strict = parsePolicy(readFileSync(`${PROJECT_ROOT}/policies/strict.yaml`, 'utf8'), 'builtin:strict');
    assert.equal(evaluatePolicies([strict], evidence, NOW).results.find((r) => r.rule === 'sbom-covers-every-package')?.status, 'pass');
  });

  test('the default policy is admitted on an image with tens of thousands of unowned files, and fails it', () => {
    // A Dockerfile COPY of an application tree (node_modules, site-packages) leaves this many
    // files that no apk package owns; the verdict must be a fail naming them, not "could not check".
    const findings = Array.from({ length: 40_000 }, (_, i) => ({
      level: 'file' as const, code: 'FILE_UNOWNED', path: `app/node_modules/package-${i % 900}/lib/module-${i}.js`,
      message: `app/node_modules/package-${i % 900}/lib/module-${i}.js (file) is in the image but no package owns it`, expected: 'owned by a package', found: 'file 0644 1234 bytes',
    }));
    const evidence: Evidence = { ...base, reconciliation: { ...base.reconciliation!, findings } };
    const defaults = parsePolicy(readFileSync(`${PROJECT_ROOT}/policies/default.yaml`, 'utf8'), 'builtin:default');
    const report = evaluatePolicies([defaults], evidence, NOW);
    assert.equal(report.results.find((r) => r.rule === 'no-unowned-files')?.status, 'fail');
    assert.equal(report.verdict, 'fail');
  });

  test('default, sbom and strict together (each with the unowned-file allow-list) are admitted on such an image', () => {
    const findings = Array.from({ length: 40_000 }, (_, i) => ({
      level: 'file' as const, code: 'FILE_UNOWNED', path: i === 0 ? 'etc/apk/keys/vouch.rsa.pub' : `app/lib/module-${i}.js`,
      message: 'is in the image but no package owns it', expected: 'owned by a package', found: 'file 0644 1234 bytes',
    }));
    const evidence: Evidence = { ...base, reconciliation: { ...base.reconciliation!, findings } };
    const policies = ['default', 'sbom', 'strict'].map((name) => parsePolicy(readFileSync(`${PROJECT_ROOT}/policies/${name}.yaml`, 'utf8'), `builtin:${name}`));
    const report = evaluatePolicies(policies, evidence, NOW);
    assert.equal(report.results.find((r) => r.policy === 'sbom' && r.rule === 'no-unowned-files')?.status, 'fail');
    assert.equal(report.results.find((r) => r.policy === 'strict' && r.rule === 'contents-match-sbom')?.status, 'fail');
  });

  test('a glob from a literal allow-list is estimated as what it is: "dir/*" is linear, "*x*y" is not', () => {
    const shape = shapeOf({ subject: { reference: 'x'.repeat(1000) } });
    const cost = (expression: string) => {
      const { program, problem } = compileExpression(expression);
      assert.ok(program, problem);
      return estimateCost(program.ast, shape);
    };
    const trailing = cost('["etc/apk/*", "dev/*"].exists(g, subject.reference.matchesGlob(g))');
    const early = cost('["*a*b*c*d*e*f*g*h*i*j*k", "dev/*"].exists(g, subject.reference.matchesGlob(g))');
    assert.ok(trailing < 10_000, String(trailing));
    assert.ok(early > 20_000, String(early));
    assert.equal(cost('subject.reference.matchesGlob("etc/apk/*")') < 5_000, true);
  });

  test('the estimate is an upper bound: a comprehension is counted per element of the actual list', () => {
    const small = shapeOf({ checks: Array.from({ length: 10 }, () => ({ id: 'x' })) });
    const large = shapeOf({ checks: Array.from({ length: 1000 }, () => ({ id: 'x' })) });
    const { program } = compileExpression('checks.all(a, checks.all(b, a.id == b.id))');
    assert.ok(program);
    const s = estimateCost(program.ast, small);
    const l = estimateCost(program.ast, large);
    assert.ok(s >= 100 && l >= 1_000_000 && l / s > 5000, `${s} ${l}`);
  });
});
