/**
 * One of several processes hammering one SQLite verdict cache at once (sqlite-concurrency.test.ts).
 * Arguments: cache folder, seed, operations. Every key has one correct value (expectedVerdict),
 * written by every worker; each read must be a miss or exactly that value. Prints a JSON summary;
 * exits 1 on a wrong read, a warning or an error.
 */
import { openVerdictCache } from '../cache/open.js';
import type { CachedVerdict } from '../cache/types.js';
import { at, keyOf, TTLS } from './verdicts.js';

export const WORKER_KEYS = 20;

/** The one correct value of key number k: reports of different sizes, some fails. */
export function expectedVerdict(k: number): CachedVerdict {
  const verdict = k % 3 === 0 ? 'fail' : 'pass';
  return { verdict, reportJson: JSON.stringify({ verdict, subject: { marker: `subject-${k}` }, pad: 'x'.repeat(k * 700) }), storedAt: '' };
}

async function main(): Promise<void> {
  const [dir, seedText, opsText] = process.argv.slice(2);
  if (dir === undefined) throw new Error('usage: sqlite-cache-worker DIR SEED OPS');
  let seed = Number(seedText) >>> 0 || 1;
  const random = (n: number): number => {
    // xorshift32: deterministic per worker, different across workers.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const warnings: string[] = [];
  const cache = await openVerdictCache(dir, { ...TTLS, onWarning: (m) => void warnings.push(m) });
  const counts = { hits: 0, misses: 0, puts: 0 };
  for (let i = 0; i < Number(opsText); i++) {
    const k = random(WORKER_KEYS);
    const expected = expectedVerdict(k);
    if (random(2) === 0) {
      await cache.put(keyOf(k), expected, at(i));
      counts.puts++;
      continue;
    }
    const got = await cache.get(keyOf(k), at(i));
    if (got === undefined) {
      counts.misses++;
    } else if (got.verdict !== expected.verdict || got.reportJson !== expected.reportJson) {
      throw new Error(`key ${k}: read ${got.verdict} ${got.reportJson.slice(0, 80)}`);
    } else {
      counts.hits++;
    }
  }
  await cache.close();
  if (warnings.length > 0) throw new Error(`warnings: ${warnings.join('; ')}`);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}

if (process.argv[1]?.endsWith('sqlite-cache-worker.ts')) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}
