import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSample } from './generate.js';

/**
 * `npm run fixtures`: regenerates testdata/sample. `--out <dir>` writes elsewhere (keys and the
 * signing cache are still read from testdata/sample), which is how the tests check that the
 * committed output is reproducible.
 */
const sample = fileURLToPath(new URL('../sample', import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 && args[outIndex + 1] ? resolve(args[outIndex + 1] ?? '') : sample;

const started = process.hrtime.bigint();
await generateSample({ out, state: sample, log: (m) => console.error(`fixtures: ${m}`) });
console.error(`fixtures: wrote ${out} in ${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms`);
