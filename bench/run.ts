/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those whose name contains an argument)
 * and prints each one's table. Each benchmark measures vouch next to the floor measured in the
 * same run (the same bytes read, decompressed and hashed by node's own zlib/crypto), so the ratio
 * holds on whatever machine runs it. Figures are recorded in docs/performance.md.
 * vouch's code is imported from dist/ (`npm run bench` builds first): the code users run, not the
 * sources as tsx transforms them (its keepNames wrappers alone cost some percent on hot paths).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.ts$/, '')}`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`${file} must export run()`);
  await mod.run();
}
