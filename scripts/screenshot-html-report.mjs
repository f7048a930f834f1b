#!/usr/bin/env node
// Regenerates docs/images/html-report.png: the HTML report of the demo's tampered image, as
// headless chromium shows it. Run `npm run build` first; needs Debian's chromium
// (VOUCH_CHROMIUM names another binary). `npm run docs:screenshot` does both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sample = join(root, 'testdata', 'sample');
const manifest = JSON.parse(readFileSync(join(sample, 'manifest.json'), 'utf8'));
const twin = manifest.twins.find((t) => t.name === 'unowned-binary').image;
const rel = (p) => relative(root, join(sample, p));
const dir = mkdtempSync(join(tmpdir(), 'vouch-shot-'));
const html = join(dir, 'report.html');
const run = spawnSync(process.execPath, [
  join(root, 'bin', 'run.js'), 'image', `oci:${rel(twin.layout)}:${twin.tag}`, '--platform', 'linux/amd64',
  '--key', rel(manifest.keys.cosign), '--trusted-root', rel(manifest.trustedRoot),
  '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri,
  '--effective-time', '2026-06-02T00:00:00Z', '--format', 'html', '--output', html,
], { cwd: root, encoding: 'utf8' });
if (run.status !== 1) throw new Error(`expected the tampered image to fail (exit 1), got ${run.status}: ${run.stderr}`);

const browser = await chromium.launch({
  executablePath: process.env.VOUCH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 0.6, offline: true });
const page = await context.newPage();
await page.goto(`file://${html}`);
await page.fill('#findings-filter', 'backdoor');
const out = join(root, 'docs', 'images', 'html-report.png');
await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: out, fullPage: true });
await browser.close();
rmSync(dir, { recursive: true, force: true });
console.log(`wrote ${relative(root, out)}`);
