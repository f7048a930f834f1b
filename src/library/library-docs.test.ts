import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../testing/cli.js';
import { docExamples, runDocExample } from '../testing/doc-examples.js';
import { needsRealdata } from '../testing/realdata.js';

/**
 * docs/library.md is the library's manual: every ```js block in it runs here, against the built
 * entry point (dist/index.js, as `import ... from 'vouch'` would load it), and prints exactly the
 * ```text block that follows it. The packed tarball runs the same examples (src/e2e/packed-install.test.ts).
 */
const DOC = 'docs/library.md';
const examples = docExamples(DOC);
const ENTRY = pathToFileURL(join(PROJECT_ROOT, 'dist', 'index.js')).href;

describe('docs/library.md examples (built sources)', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vouch-doc-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const example of examples) {
    test(`${DOC}:${example.line} runs and prints what the document shows`, { timeout: 120_000, ...(example.realdata ? needsRealdata() : {}) }, async () => {
      const r = await runDocExample(example, dir, { rewriteVouchTo: ENTRY });
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
      if (example.expected !== undefined) assert.equal(r.stdout, example.expected);
    });
  }
});

test(`${DOC} shows every exported function in an example and names every export`, async () => {
  const entry = (await import(ENTRY)) as Record<string, unknown>;
  const doc = await readFile(join(PROJECT_ROOT, DOC), 'utf8');
  const code = examples.map((e) => e.code).join('\n');
  for (const [name, value] of Object.entries(entry)) {
    if (typeof value === 'function') assert.match(code, new RegExp(`\\b${name}\\b`), `${name} has no example in ${DOC}`);
    else assert.match(doc, new RegExp(`\\b${name}\\b`), `${name} is not named in ${DOC}`);
  }
  // The declared surface of the brief: these must stay exported.
  for (const name of ['verifyImage', 'verifyApk', 'verifyArtifact', 'evaluatePolicies', 'loadPolicies', 'renderReport', 'VouchError', 'isVouchError', 'ERROR_CODES']) {
    assert.ok(name in entry, `${name} is not exported`);
  }
});
