import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium; playwright never downloads a browser of its own here. */
export const CHROMIUM = process.env['VOUCH_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Options for `test(name, needsChromium(), fn)`: skips with the install hint when chromium is
 * missing; under CI=true (where .ci/run installs it) a missing browser is a failure.
 */
export function needsChromium(): { skip?: string } {
  if (existsSync(CHROMIUM)) return {};
  const message = `${CHROMIUM} not found (apt-get install chromium)`;
  if (process.env['CI'] === 'true') throw new Error(`${message} (required under CI)`);
  return { skip: message };
}

export interface OpenedPage {
  readonly page: Page;
  /** Console errors, page errors and refused requests seen so far (a CSP violation is one). */
  readonly problems: string[];
  close(): Promise<void>;
}

/**
 * Opens a local file in headless chromium with every network request refused: a report must
 * render from the file alone. The flags keep chromium from reaching out on its own (updates,
 * sync, field trials), which this machine's closed network would refuse noisily.
 */
export async function openFile(path: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No --user-data-dir: playwright gives each launch a fresh, empty profile (removed on close).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport, offline: true });
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    problems.push(`request refused: ${route.request().url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`file://${path}`);
  return {
    page,
    problems,
    close: () => browser.close(),
  };
}
