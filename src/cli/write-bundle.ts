/**
 * Build step (`npm run build`, after tsc): bundles the CLI (src/vouch.ts) into dist/vouch.js with
 * esbuild, replacing tsc's output of that one file. Node spends most of a short run resolving,
 * reading and compiling module files (several hundred, most of them oclif's and its
 * dependencies'); one file plus lazily loaded chunks removes most of that. Dynamic imports stay
 * dynamic (code splitting into dist/chunks/), so a command still loads only what it uses.
 * The library modules in dist/ are tsc's, unbundled; only the CLI entry is bundled.
 */
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Left to node's own resolution at run time: optional peers of @cyclonedx/cyclonedx-library (XML)
 * and oclif's TypeScript support for development mode, never used by the built CLI;
 * @cyclonedx/cyclonedx-library itself, which reads its JSON schemas from files next to its code
 * (through __dirname, which a bundled ES module does not have); and undici, a CommonJS package
 * imported lazily with `await import('undici')`, whose named exports a split chunk would not
 * carry (esbuild gives such a chunk a default export only; node's own loader finds the names);
 * ioredis, CommonJS too, reached only through the lazily imported Redis verdict cache.
 */
const EXTERNAL = ['@cyclonedx/cyclonedx-library', 'undici', 'ioredis', 'libxmljs2', 'xmlbuilder2', 'xmllint-wasm', 'typescript', 'ts-node', 'tsx'];

/**
 * Bundled code that mentions __dirname or __filename, each use read and found harmless in an ES
 * module: @oclif/core (fallbacks inside try/catch, defaults vouch always overrides, development
 * mode only) and ejs (inside a template string). Any other package that
 * does fails the build: it probably reads its own files, so it must be added to EXTERNAL.
 */
const DIRNAME_REVIEWED = /^node_modules\/(@oclif\/core|ejs)\//;

await rm(`${root}/dist/chunks`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { vouch: 'src/vouch.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS dependencies (oclif, ajv) call require(); inside an ES module it must be created.
  banner: { js: "import { createRequire as __vouchCreateRequire } from 'node:module'; const require = __vouchCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});

const unsafe: string[] = [];
const { inputs } = result.metafile;
for (const [input, info] of Object.entries(inputs)) {
  for (const imported of info.imports) {
    // A bundled CommonJS module reached through import() loses its named exports (see EXTERNAL).
    if (imported.kind === 'dynamic-import' && !imported.external && inputs[imported.path]?.format === 'cjs') {
      unsafe.push(`${imported.path}: CommonJS, imported with import() by ${input}`);
    }
  }
  if (!/\.[cm]?js$/.test(input) || DIRNAME_REVIEWED.test(input)) continue;
  if (/\b__(dirname|filename)\b/.test(await readFile(`${root}/${input}`, 'utf8'))) unsafe.push(`${input}: uses __dirname/__filename, which dist/vouch.js does not define`);
}
if (unsafe.length > 0) {
  throw new Error(`the bundle would break these modules; add their package to EXTERNAL in src/cli/write-bundle.ts:\n  ${unsafe.join('\n  ')}`);
}
