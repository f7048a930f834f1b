import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseEvidence } from '../evidence/index.js';
import type { Evidence, Finding } from '../evidence/index.js';
import { evaluatePolicies, parsePolicy } from '../policy/index.js';
import { PROJECT_ROOT } from '../testing/cli.js';
import { HTML_CSP, HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { renderHtml } from './html.js';
import type { Report } from './types.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const FIXTURES = ['pass', 'fail-bad-signature', 'apk-no-sbom', 'apk-with-sbom', 'image-full', 'image-provenance-mismatch', 'image-100-packages'];
const evidence = (name: string): Evidence => parseEvidence(readFileSync(`${PROJECT_ROOT}/testdata/evidence/${name}.json`, 'utf8'), name);
const POLICIES = ['policies/default.yaml', 'policies/signature.yaml', 'policies/provenance.yaml', 'testdata/policy/waivers.yaml'].map((path) =>
  parsePolicy(readFileSync(`${PROJECT_ROOT}/${path}`, 'utf8'), path),
);
const report = (e: Evidence): Report => evaluatePolicies(POLICIES, e, NOW);
const NASTY = '"><script>alert(1)</script><img src=x onerror=alert(2)> \' & \u0007 \ud800 </td></tr></table>';

/** The element names a document opens: a missed escape would add one. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b/g)].map((m) => (m[1] ?? '').toLowerCase());
}

describe('html report', () => {
  test('every fixture renders one complete document, deterministically', () => {
    for (const name of FIXTURES) {
      const r = report(evidence(name));
      const html = renderHtml(r);
      assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'), name);
      assert.ok(html.trimEnd().endsWith('</html>'), name);
      assert.equal((html.match(/<h1>/g) ?? []).length, 1, `${name}: one h1`);
      assert.match(html, new RegExp(`<h1>vouch: ${r.verdict === 'pass' ? 'PASS' : 'FAIL'}</h1>`));
      for (const h of ['Subject', 'Policy rules', 'What was asked for', 'Signatures', 'Attestations', 'Provenance', 'Checks', 'SBOM documents', 'Reconciliation']) {
        assert.ok(html.includes(`>${h}`), `${name}: section ${h}`);
      }
      assert.equal(renderHtml(structuredClone(r)), html, `${name}: byte-identical`);
    }
  });

  test('loads nothing from elsewhere: no external URL in src or href, a CSP that allows only the inline style and script', () => {
    const html = renderHtml(report(evidence('image-full')));
    assert.doesNotMatch(html, /\s(src|href)=/i);
    assert.doesNotMatch(html, /@import|[^a-z]url\(/i);
    const sha = (s: string): string => createHash('sha256').update(s).digest('base64');
    assert.ok(html.includes(`<style>${HTML_STYLE}</style>`) && html.includes(`<script>${HTML_SCRIPT}</script>`));
    assert.ok(HTML_CSP.includes(`'sha256-${sha(HTML_STYLE)}'`) && HTML_CSP.includes(`'sha256-${sha(HTML_SCRIPT)}'`));
    assert.ok(HTML_CSP.startsWith("default-src 'none'"));
    assert.ok(!HTML_CSP.includes('unsafe'));
  });

  test('hostile strings from the subject stay text: no element, attribute or entity escapes', () => {
    const e = evidence('image-full');
    const withText = (s: string): Evidence => ({
      ...e,
      subject: { ...e.subject, reference: s, name: s },
      checks: e.checks.map((c) => ({ ...c, message: s, found: s })),
      warnings: [s],
      expectations: { ...e.expectations, identity: s },
      reconciliation: {
        summary: { matched: 0, missing: 0, unowned: 1, modified: 0, mismatched: 0 },
        findings: [{ level: 'file', code: 'FILE_UNOWNED', path: s, package: s, message: s, expected: s, found: s } satisfies Finding],
      },
    });
    const clean = renderHtml(report(withText('plain text')));
    const dirty = renderHtml(report(withText(NASTY)));
    assert.deepEqual(tags(dirty), tags(clean), 'the same elements, in the same order');
    assert.ok(!dirty.includes('<script>alert'), 'no script element from the subject');
    assert.ok(!/<img/i.test(dirty));
    assert.ok(dirty.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(dirty.includes('\\u0007') && !dirty.includes('\u0007'), 'control characters are shown, not written');
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(dirty), 'no lone surrogate');
    assert.ok(dirty.includes('data-code="FILE_UNOWNED"'));
  });

  test('findings: a row per finding with its code for the filter, and counts by code', () => {
    const e = evidence('image-100-packages');
    const r = report(e);
    const html = renderHtml(r);
    const findings = e.reconciliation?.findings ?? [];
    assert.equal((html.match(/<tr data-code="/g) ?? []).length, findings.length);
    for (const [code, count] of Object.entries(Object.groupBy(findings, (f) => f.code))) {
      assert.ok(html.includes(`<option value="${code}">${code} (${count?.length})</option>`), code);
    }
  });

  test('a passing rule shows its condition, a failing one what is wrong', () => {
    const html = renderHtml(report(evidence('fail-bad-signature')));
    assert.match(html, /<span class="status fail">fail<\/span>/);
    assert.match(html, /fails when: /);
  });
});
