import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parseEvidence } from '../evidence/index.js';
import type { Evidence } from '../evidence/index.js';
import { evaluatePolicies, parsePolicy } from '../policy/index.js';
import { PROJECT_ROOT, runCli } from '../testing/cli.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';
import { renderReport } from './render.js';
import type { Report } from './types.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const FIXTURES = ['pass', 'fail-bad-signature', 'apk-no-sbom', 'apk-with-sbom', 'image-full', 'image-provenance-mismatch'];
const evidence = (name: string): Evidence => parseEvidence(readFileSync(`${PROJECT_ROOT}/testdata/evidence/${name}.json`, 'utf8'), name);
const policyFile = (path: string) => parsePolicy(readFileSync(`${PROJECT_ROOT}/${path}`, 'utf8'), path);
const POLICIES = ['policies/default.yaml', 'policies/signature.yaml', 'policies/provenance.yaml', 'policies/strict.yaml', 'testdata/policy/waivers.yaml'].map(policyFile);
const reports = (): Report[] => FIXTURES.map((f) => evaluatePolicies(POLICIES, evidence(f), NOW));

/** Evidence whose strings try to break out of every format: markup, control characters, newlines. */
function hostile(): Report {
  const e = evidence('fail-bad-signature');
  const nasty = 'x | <script>alert(1)</script> ]]> & "q" `tick` \u001b[2J\u0007 line\nbreak [link](http://evil) \ud800';
  return evaluatePolicies(POLICIES, { ...e, checks: e.checks.map((c) => ({ ...c, message: nasty, found: nasty })), warnings: [nasty] }, NOW);
}

describe('report formats', () => {
  test('json: every report validates against docs/report.schema.json and renders byte-identically', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(`${PROJECT_ROOT}/docs/report.schema.json`, 'utf8')) as object);
    for (const report of [...reports(), hostile()]) {
      const text = renderReport(report, 'json', { color: false });
      assert.ok(validate(JSON.parse(text)), `${report.subject.reference}: ${JSON.stringify(validate.errors, null, 2)}`);
      assert.equal(renderReport(structuredClone(report), 'json', { color: false }), text);
    }
    const e = evidence('image-full');
    const shuffled = { ...e, checks: [...e.checks].reverse(), warnings: ['b', 'a', 'b'] };
    const sorted = { ...e, warnings: ['a', 'b'] };
    assert.equal(
      renderReport(evaluatePolicies(POLICIES, shuffled, NOW), 'json', { color: false }),
      renderReport(evaluatePolicies(POLICIES, sorted, NOW), 'json', { color: false }),
      'evidence lists are put in their documented order',
    );
    const keys = Object.keys(JSON.parse(renderReport(reports()[0] as Report, 'json', { color: false })) as object);
    assert.deepEqual(keys, [...keys].sort(), 'keys are sorted');
  });

  test('sarif: every log validates against the SARIF 2.1.0 JSON schema, and the schema check is live', () => {
    const validate = sarifValidator();
    for (const report of [...reports(), hostile()]) {
      const log = JSON.parse(renderReport(report, 'sarif', { color: false })) as SarifLog;
      assert.ok(validate(log), `${report.subject.reference}: ${JSON.stringify(validate.errors, null, 2)}`);
    }
    const log = JSON.parse(renderReport(reports()[1] as Report, 'sarif', { color: false })) as SarifLog;
    const broken: unknown[] = [
      { ...log, version: '2.0.0' },
      { ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0]?.results[0], level: 'fatal' }] }] },
      { ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0]?.results[0], kind: 'passed' }] }] },
      { ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0]?.results[0], suppressions: [{ status: 'accepted' }] }] }] },
      { ...log, runs: [{ ...log.runs[0], tool: { driver: { rules: [] } } }] },
      { ...log, runs: [{ ...log.runs[0], verdict: 'fail' }] },
    ];
    for (const b of broken) assert.equal(validate(b), false, `the schema rejects ${JSON.stringify(b).slice(0, 120)}`);
  });

  test('sarif: the log `vouch image --format sarif` writes for a failing image validates against the SARIF schema', async () => {
    const manifest = sampleManifest();
    const twin = manifest.twins.find((t) => t.name === 'unowned-binary')?.image;
    assert.ok(twin);
    const r = await runCli([
      'image', `oci:${samplePath(twin.layout)}:${twin.tag}`, '--platform', 'linux/amd64',
      '--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot,
      '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri,
      '--format', 'sarif',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const validate = sarifValidator();
    const log = JSON.parse(r.stdout) as SarifLog;
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(log.runs[0]?.properties.verdict, 'fail');
    assert.ok(log.runs[0]?.results.some((x) => x.kind === 'fail' && x.level === 'error'));
  });

  test('sarif: a structurally valid SARIF 2.1.0 log', () => {
    for (const report of [...reports(), hostile()]) {
      const sarif = JSON.parse(renderReport(report, 'sarif', { color: false })) as SarifLog;
      assert.equal(sarif.version, '2.1.0');
      assert.equal(sarif.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
      assert.equal(sarif.runs.length, 1);
      const run = sarif.runs[0] as SarifRun;
      assert.equal(run.tool.driver.name, 'vouch');
      const ids = run.tool.driver.rules.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
      for (const rule of run.tool.driver.rules) {
        assert.ok(rule.shortDescription.text && rule.fullDescription.text);
        assert.ok(['error', 'warning', 'note', 'none'].includes(rule.defaultConfiguration.level));
      }
      assert.equal(run.results.length, report.results.length);
      for (const result of run.results) {
        assert.equal(ids[result.ruleIndex], result.ruleId, 'ruleIndex points at the rule');
        assert.ok(['error', 'warning', 'note', 'none'].includes(result.level));
        assert.ok(['pass', 'fail', 'notApplicable', 'review', 'open', 'informational'].includes(result.kind));
        assert.ok(result.kind === 'fail' || result.level === 'none', 'only failures have a level');
        assert.equal(typeof result.message.text, 'string');
        assert.ok(result.message.text.length > 0);
        for (const loc of result.locations) assert.equal(loc.physicalLocation.artifactLocation.index, 0);
        for (const s of result.suppressions ?? []) assert.ok(s.kind === 'external' && s.status === 'accepted' && s.justification);
      }
      assert.equal(run.artifacts.length, 1);
      assert.match(Object.values(run.artifacts[0]?.hashes ?? {})[0] ?? '', /^[0-9a-f]{64}$/);
      assert.equal(run.properties.verdict, report.verdict);
    }
  });

  test('junit: one testcase per rule, failures for failed error rules, well-formed XML', () => {
    for (const report of [...reports(), hostile()]) {
      const xml = renderReport(report, 'junit', { color: false });
      assertWellFormed(xml);
      assert.equal((xml.match(/<testcase /g) ?? []).length, report.results.length);
      assert.equal((xml.match(/<failure /g) ?? []).length, report.summary.failed);
      assert.match(xml, new RegExp(`failures="${report.summary.failed}"`));
    }
  });

  test('markdown: verdict in the heading, hostile text escaped', () => {
    const md = renderReport(hostile(), 'markdown', { color: false });
    assert.match(md, /^## vouch: ❌ FAIL for `\.\/hello\.txt`/);
    assert.doesNotMatch(md, /<script>/);
    assert.doesNotMatch(md, /(?<!\\)\]\(http/, 'no live link');
    assert.doesNotMatch(md, /[\u0000-\u0009\u000b-\u001f]/);
    const rows = md.split('\n').filter((l) => l.startsWith('| ❌ | artifact.bundle.signature'));
    assert.equal(rows.length, 1, 'the hostile message stays in one table row');
    assert.equal(rows[0]?.replace(/\\\|/g, '').split('|').length, 6, 'and in its column');
    assert.match(renderReport(reports()[4] as Report, 'markdown', { color: false }), /^## vouch: ✅ PASS/);
  });

  test('text: 80 columns, verdict last, waivers and expired waivers shown, no control characters', () => {
    const apk = evaluatePolicies(POLICIES, evidence('apk-with-sbom'), NOW);
    for (const report of [...reports(), hostile(), apk]) {
      const text = renderReport(report, 'text', { color: false });
      for (const line of text.trimEnd().split('\n')) {
        assert.ok(line.length <= 80 || !line.trim().includes(' ') || /\S{60,}/.test(line), `too wide: ${line}`);
      }
      assert.match(text, /\nVERDICT: (PASS|FAIL)\n$/);
      assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f]/);
    }
    const waived = renderReport(apk, 'text', { color: false });
    assert.match(waived, /Waivers\n {2}~ applied to acme-images\/licenses-allowed: owner platform-team, until\n? *2027-03-31/);
    const later = renderReport(evaluatePolicies(POLICIES, evidence('apk-with-sbom'), new Date('2027-06-01T00:00:00Z')), 'text', { color: false });
    assert.match(later, /EXPIRED 2027-03-31, not applied to acme-images\/licenses-allowed/);
    assert.match(renderReport(apk, 'text', { color: true }), /\u001b\[1m/);
  });
});

/**
 * The SARIF 2.1.0 JSON schema (rtm.5, JSON Schema draft-04) as @microsoft/jest-sarif ships it.
 * Its run.language / toolComponent.language pattern has a stray `]` that only a non-unicode
 * RegExp accepts, and it is not written for ajv's strict mode, hence those two options.
 */
let sarifValidate: ValidateFunction | undefined;
function sarifValidator(): ValidateFunction {
  if (sarifValidate) return sarifValidate;
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as { $schema: string };
  assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  sarifValidate = ajv.compile(schema);
  return sarifValidate;
}

interface SarifRun {
  tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
  results: {
    ruleId: string;
    ruleIndex: number;
    level: string;
    kind: string;
    message: { text: string };
    locations: { physicalLocation: { artifactLocation: { uri: string; index: number } } }[];
    suppressions?: { kind: string; status: string; justification: string }[];
  }[];
  artifacts: { hashes: Record<string, string> }[];
  properties: { verdict: string };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: SarifRun[];
}

/** A small well-formedness check: balanced tags, quoted attributes, only the five entities, no raw control characters. */
function assertWellFormed(xml: string): void {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])/);
  assert.doesNotMatch(xml.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, ''), /&/);
  const stack: string[] = [];
  for (const m of xml.slice(xml.indexOf('?>') + 2).matchAll(/<(\/?)([a-zA-Z-]+)((?:\s+[a-zA-Z.-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    assert.ok(m[2], `stray ${m[0]}`);
    if (m[1]) assert.equal(stack.pop(), m[2]);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.deepEqual(stack, []);
}
