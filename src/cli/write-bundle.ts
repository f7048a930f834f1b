/**
 * Build step (`npm run build`, after tsc): bundles the CLI (src/vouch.ts) into dist/vouch.js with
 * esbuild, replacing tsc's output of that one file. Node spends most of a short run resolving,
 * reading and compiling module files (several hundred, most of them oclif's and its
 * dependencies'); one file plus lazily loaded chunks removes most of that. Dynamic imports stay
 * dynamic (code splitting into dist/chunks/), so a command still loads only what it uses.
 * The library modules in dist/ are tsc's, unbundled; only the CLI entry is bundled.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

await rm(`${root}/dist/chunks`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { vouch: 'src/vouch.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Optional peers of @cyclonedx/cyclonedx-library (XML) and oclif's TypeScript support for
  // development mode: never used by the built CLI, left for node to resolve if ever asked for.
  external: ['libxmljs2', 'xmlbuilder2', 'xmllint-wasm', 'typescript', 'ts-node', 'tsx'],
  // CommonJS dependencies (oclif, ajv) call require(); inside an ES module it must be created.
  banner: { js: "import { createRequire as __vouchCreateRequire } from 'node:module'; const require = __vouchCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
