import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';
import { tempDir } from '../testing/registry.js';
import { needsOpenssl } from '../testing/serve.js';

/**
 * docs/vsa.md's workflow runs as written: its first shell block (CI key, verify and write the VSA,
 * check it the slsa-verifier way, admit through it) in an empty folder that sees the clone's bin/
 * and testdata/, with `node` the node running the tests.
 */
test('docs/vsa.md: the workflow, end to end, runs as written against the sample world', { ...needsOpenssl(), timeout: 120_000 }, async () => {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'vsa.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The workflow, end to end'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'docs/vsa.md has the workflow block');
  const tmp = tempDir('vouch-vsa-docs-');
  try {
    for (const name of ['bin', 'testdata']) symlinkSync(join(PROJECT_ROOT, name), join(tmp.dir, name));
    writeFileSync(join(tmp.dir, 'workflow.sh'), `set -eu\n${block}`);
    const r = await runProcess('bash', ['workflow.sh'], { cwd: tmp.dir, env: { ...process.env, NO_COLOR: '1', PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` }, timeoutMs: 110_000 });
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
    assert.match(r.stderr, /VSA \(PASSED\) written to hello\.vsa\.json/);
    assert.match(r.stdout, /Verification summary \(VSA\)\n\s+✔ used: VSA_USED/);
    assert.match(r.stdout.slice(r.stdout.lastIndexOf('VERDICT')), /^VERDICT: PASS/);
  } finally {
    tmp.remove();
  }
});
