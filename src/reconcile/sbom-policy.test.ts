import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Evidence, Finding } from '../evidence/types.js';
import { evaluatePolicies, parsePolicy } from '../policy/index.js';
import { PROJECT_ROOT } from '../testing/cli.js';

/** policies/sbom.yaml over image evidence: the allow-list and each class of finding. */

const policy = parsePolicy(readFileSync(join(PROJECT_ROOT, 'policies', 'sbom.yaml'), 'utf8'), 'builtin:sbom');
const base = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'evidence', 'image-full.json'), 'utf8')) as Evidence;
const now = new Date('2026-06-01T00:00:00Z');

function verdict(findings: Finding[]): { verdict: string; failed: string[] } {
  const evidence: Evidence = { ...base, reconciliation: { summary: { matched: 1, missing: 0, unowned: 0, modified: 0, mismatched: 0 }, findings } };
  const report = evaluatePolicies([policy], evidence, now);
  const failed = report.results.filter((r) => r.status === 'fail').map((r) => r.rule);
  return { verdict: report.verdict, failed };
}

const unowned = (path: string): Finding => ({ level: 'file', code: 'FILE_UNOWNED', path, message: `${path} unowned` });

test('sbom policy: a clean image passes; builder-written files are allowed', () => {
  assert.equal(verdict([]).verdict, 'pass');
  const builder = ['etc/apk/world', 'etc/apk/keys/melange.rsa.pub', 'lib/apk', 'usr/lib/apk/db/installed', 'etc/apko.json', 'dev/null', 'etc/os-release'];
  assert.equal(verdict(builder.map(unowned)).verdict, 'pass');
});

test('sbom policy: each tampering fails the verdict', () => {
  const cases: [Finding, string][] = [
    [unowned('usr/bin/backdoor'), 'no-unowned-files'],
    [{ level: 'file', code: 'FILE_MODIFIED', package: 'busybox', path: 'usr/bin/busybox', message: 'changed' }, 'owned-files-intact'],
    [{ level: 'file', code: 'FILE_MISSING', package: 'busybox', path: 'usr/bin/busybox', message: 'gone' }, 'owned-files-intact'],
    [{ level: 'package', code: 'SBOM_VERSION_MISMATCH', package: 'busybox', message: 'version' }, 'sbom-agrees-with-packages'],
    [{ level: 'package', code: 'SBOM_PACKAGE_NOT_INSTALLED', package: 'ghost', message: 'ghost' }, 'sbom-agrees-with-packages'],
    [{ level: 'package', code: 'PACKAGE_SBOM_MISSING', package: 'busybox', message: 'no sbom' }, 'every-package-has-sbom'],
    [{ level: 'file', code: 'FILE_OWNED_TWICE', package: 'a,b', path: 'x', message: 'twice' }, 'files-owned-once'],
    [{ level: 'provenance', code: 'PROVENANCE_COMMIT_MISMATCH', package: 'busybox', message: 'commit' }, 'provenance-agrees'],
    [{ level: 'package', code: 'DB_ABSENT', message: 'no db' }, 'database-readable'],
  ];
  for (const [finding, rule] of cases) {
    const result = verdict([finding]);
    assert.equal(result.verdict, 'fail', finding.code);
    assert.ok(result.failed.includes(rule), `${finding.code}: ${result.failed.join(', ')}`);
  }
});

test('sbom policy: images without reconciliation fail closed', () => {
  const report = evaluatePolicies([policy], { ...base, reconciliation: null }, now);
  assert.equal(report.verdict, 'fail');
});
