import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { needsChromium, openFile } from '../testing/browser.js';
import type { OpenedPage } from '../testing/browser.js';
import { PROJECT_ROOT, runCli } from '../testing/cli.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';

/** Where the test leaves its screenshot for people to look at (ignored by git). */
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');

/** WCAG relative luminance and contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string): number => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

describe('html report in a real browser (the demo\'s tampered image)', needsChromium(), () => {
  let dir = '';
  let opened: OpenedPage;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vouch-html-'));
    const manifest = sampleManifest();
    const twin = manifest.twins.find((t) => t.name === 'unowned-binary')?.image;
    assert.ok(twin);
    const out = join(dir, 'report.html');
    const r = await runCli([
      'image', `oci:${samplePath(twin.layout)}:${twin.tag}`, '--platform', 'linux/amd64',
      '--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot,
      '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri,
      '--format', 'html', '--output', out,
    ]);
    assert.equal(r.code, 1, r.stderr);
    opened = await openFile(out);
  });
  after(async () => {
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the banner says FAIL, and the findings table names the backdoor', { timeout: 60_000 }, async () => {
    const { page } = opened;
    assert.equal(await page.locator('h1').innerText(), 'vouch: FAIL');
    const rows = page.locator('#findings tbody tr');
    const backdoor = rows.filter({ hasText: 'usr/bin/backdoor' });
    assert.equal(await backdoor.count(), 1);
    assert.match(await backdoor.innerText(), /FILE_UNOWNED/);
    assert.match(await page.locator('#rules').innerText(), /no-unowned-files/);
    assert.match(await page.locator('#signatures').innerText(), /verified/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-tampered.png'), fullPage: true });
  });

  test('the filter narrows the findings table by text and by code', { timeout: 60_000 }, async () => {
    const { page } = opened;
    const total = await page.locator('#findings tbody tr').count();
    await page.fill('#findings-filter', 'backdoor');
    assert.equal(await page.locator('#findings tbody tr:not([hidden])').count(), 1);
    assert.equal(await page.locator('#findings-shown').innerText(), '1');
    await page.fill('#findings-filter', '');
    await page.selectOption('#findings-code', 'FILE_UNOWNED');
    const unowned = await page.locator('#findings tbody tr[data-code="FILE_UNOWNED"]').count();
    assert.equal(await page.locator('#findings tbody tr:not([hidden])').count(), unowned);
    await page.selectOption('#findings-code', '');
    assert.equal(await page.locator('#findings tbody tr:not([hidden])').count(), total);
  });

  test('accessible basics: one h1, sections under h2, header cells in every table, a banner with enough contrast', { timeout: 60_000 }, async () => {
    const { page } = opened;
    assert.equal(await page.locator('h1').count(), 1);
    const h2 = await page.locator('h2').allInnerTexts();
    for (const name of ['Subject', 'Policy rules', 'Signatures', 'Provenance', 'SBOM documents', 'Reconciliation']) {
      assert.ok(h2.some((h) => h.startsWith(name)), `a heading for ${name}: ${h2.join(', ')}`);
    }
    const tables = await page.locator('table').count();
    assert.ok(tables > 5);
    assert.equal(await page.locator('table:not(:has(th))').count(), 0, 'every table has header cells');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    // Runs in the page; typed loosely here because the project's types are Node's, not the DOM's.
    const colours = await page.locator('header.banner').evaluate((el) => {
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle(el);
      return { fg: s.color, bg: s.backgroundColor };
    });
    assert.ok(contrast(colours.fg, colours.bg) >= 4.5, `banner contrast ${contrast(colours.fg, colours.bg).toFixed(2)} (${colours.fg} on ${colours.bg})`);
  });

  test('no console errors, no blocked inline code (CSP), no request beyond the file', { timeout: 60_000 }, () => {
    assert.deepEqual(opened.problems, []);
  });
});
