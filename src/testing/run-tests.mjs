#!/usr/bin/env node
// Runs every src/**/*.test.ts file with node's test runner through tsx. The file list is built here
// (the same set on every Node in the supported range). Extra arguments are substrings that
// select test files (`node src/testing/run-tests.mjs apk policy`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const filters = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path) : e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = walk(join(root, 'src'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const reporter = fileURLToPath(new URL('./summary-reporter.mjs', import.meta.url));
const r = spawnSync(
  process.execPath,
  [
    '--import', 'tsx',
    '--test',
    '--test-concurrency', '2',
    '--test-reporter', 'spec', '--test-reporter-destination', 'stdout',
    '--test-reporter', reporter, '--test-reporter-destination', 'stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
