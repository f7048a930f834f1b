import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';

/**
 * The text report of the demo's three runs (an apk, the sample image, its tampered twin), byte for
 * byte: what an auditor reads is part of the contract, so a change to it shows up here as a diff to
 * review. The reports' time is pinned; the Node version and the duration lines are dropped.
 * UPDATE_GOLDEN=1 rewrites testdata/golden/demo.txt after a deliberate change.
 */
const GOLDEN = join(PROJECT_ROOT, 'testdata', 'golden', 'demo.txt');

test('the demo prints the expected text reports for its three runs', { timeout: 120_000 }, async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', VOUCH_DEMO_EFFECTIVE_TIME: '2026-06-01T00:00:00Z' };
  delete env['FORCE_COLOR'];
  const r = await runProcess(process.execPath, [join(PROJECT_ROOT, 'testdata', 'demo.mjs')], { env, cwd: PROJECT_ROOT, timeoutMs: 110_000, noStdin: true });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout
    .split('\n')
    .filter((l) => !/^vouch demo on Node /.test(l) && !/^=== demo finished in /.test(l))
    .join('\n');
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, out);
  assert.equal(out, readFileSync(GOLDEN, 'utf8'));
});
