import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The module rules of docs/architecture.md, enforced: pure modules do no I/O, nothing in the
 * library reaches into the CLI, and collection modules import only what their layer allows.
 */
const SRC = dirname(fileURLToPath(import.meta.url));

/** Modules that must stay pure: no I/O, no network, no process spawning. */
const PURE = ['sbom', 'reconcile', 'evidence', 'policy', 'report'];
const IO_MODULES = /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|dns|tls|dgram|worker_threads|readline)$|^undici$/;

/** For each module, the modules of ours it may import (besides itself and the root files). */
const ALLOWED: Record<string, readonly string[]> = {
  evidence: [],
  sbom: ['evidence'],
  reconcile: ['evidence', 'sbom', 'inventory'],
  policy: ['evidence', 'report'],
  report: ['evidence', 'policy'],
  sources: ['evidence'],
  trust: ['evidence', 'sources'],
  attestations: ['evidence', 'trust', 'sources'],
  inventory: ['evidence', 'sources', 'sbom'],
  // cache: verdicts stored by a key of digests; it knows reports only as types, and reads stored
  // report JSON back with the evidence module's depth check.
  cache: ['report', 'evidence'],
  pipeline: ['evidence', 'sources', 'trust', 'attestations', 'sbom', 'inventory', 'reconcile', 'policy', 'report'],
  // library: the public API (src/index.ts re-exports it): options → pipeline → policies → Report.
  library: ['evidence', 'pipeline', 'policy', 'report'],
  // batch: many subjects per run (runner, sharding, JSONL lines, summaries, cache wiring).
  batch: ['evidence', 'pipeline', 'policy', 'report', 'cache', 'sources', 'trust'],
  // vsa: verification summaries, written after and used instead of a verification.
  vsa: ['evidence', 'sources', 'trust', 'attestations', 'pipeline', 'policy', 'report'],
  cli: ['evidence', 'pipeline', 'policy', 'report', 'cache', 'library', 'batch', 'vsa'],
  commands: ['evidence', 'pipeline', 'policy', 'report', 'cli', 'cache', 'library', 'batch', 'vsa', 'serve'],
  // serve: the admission server; it reaches verification through one adapter (serve/verify.ts).
  serve: ['evidence', 'pipeline', 'policy', 'report', 'cli', 'cache', 'sources', 'library', 'vsa'],
  // src/vouch.ts: the CLI entry that esbuild bundles; it lists the commands and oclif hooks.
  vouch: ['commands', 'cli'],
  testing: ['*'],
};
const ROOT_FILES = new Set(['errors', 'context', 'progress', 'index']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function moduleOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? (rel[0] ?? '').replace(/\.ts$/, '') : (rel[0] ?? '');
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) specs.push(m[1] ?? '');
  return specs;
}

const files = sourceFiles(SRC);

test('architecture: every module is known to the rules', () => {
  for (const file of files) {
    const mod = moduleOf(file);
    assert.ok(mod in ALLOWED || ROOT_FILES.has(mod), `${relative(SRC, file)}: module ${mod} has no import rule`);
  }
});

test('architecture: pure modules do no I/O', () => {
  for (const file of files.filter((f) => PURE.includes(moduleOf(f)))) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      assert.ok(!IO_MODULES.test(spec), `${relative(SRC, file)} is pure but imports ${spec}`);
    }
  }
});

test('architecture: modules import only what their layer allows', () => {
  for (const file of files) {
    const mod = moduleOf(file);
    const allowed = ALLOWED[mod];
    if (!allowed || allowed.includes('*')) continue;
    for (const spec of importsOf(readFileSync(file, 'utf8')).filter((s) => s.startsWith('.'))) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      const targetMod = moduleOf(target);
      if (targetMod === mod || ROOT_FILES.has(targetMod)) continue;
      assert.ok(allowed.includes(targetMod), `${relative(SRC, file)} (${mod}) must not import ${spec} (${targetMod})`);
    }
  }
});

test('architecture: only the CLI writes to the console', () => {
  for (const file of files.filter((f) => !['cli', 'commands', 'testing'].includes(moduleOf(f)))) {
    const text = readFileSync(file, 'utf8');
    assert.ok(!/\bconsole\.(log|error|warn|info|debug)\(/.test(text), `${relative(SRC, file)} writes to the console`);
    assert.ok(!/process\.(stdout|stderr)\.write/.test(text), `${relative(SRC, file)} writes to stdout/stderr`);
  }
});

test('architecture: no clock reads below the CLI', () => {
  // The library's entry reads the clock as the CLI does, when its caller gives no effective time.
  for (const file of files.filter((f) => !['cli', 'commands', 'library', 'testing'].includes(moduleOf(f)))) {
    const text = readFileSync(file, 'utf8');
    assert.ok(!/\bDate\.now\(\)|new Date\(\)/.test(text), `${relative(SRC, file)} reads the clock; take ctx.now instead`);
  }
});
