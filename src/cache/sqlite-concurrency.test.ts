import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CACHE_DB_FILE } from './sqlite-dir.js';
import { entryFromStore } from './entry.js';
import { expectedVerdict, WORKER_KEYS } from '../testing/sqlite-cache-worker.js';
import { keyOf, TTLS } from '../testing/verdicts.js';

/** Enough operations per worker that the four overlap for most of their run. */
const OPS = 5000;
const WORKER = fileURLToPath(new URL('../testing/sqlite-cache-worker.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'vouch-sqlite-concurrent-'));
after(() => rmSync(root, { recursive: true, force: true }));

function runWorker(dir: string, seed: number, ops: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dir, String(seed), String(ops)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('sqlite cache: several processes creating, writing and reading one cache at once: no error, no wrong read, no corruption', { timeout: 120_000 }, async () => {
  // The folder does not exist yet: the workers also race to create it and its schema.
  const dir = join(root, 'shared-cache');
  const workers = await Promise.all([1, 2, 3, 4].map((seed) => runWorker(dir, seed * 7919, OPS)));
  let hits = 0;
  for (const w of workers) {
    assert.equal(w.code, 0, w.stderr);
    const counts = JSON.parse(w.stdout) as { hits: number; misses: number; puts: number };
    assert.equal(counts.hits + counts.misses + counts.puts, OPS);
    hits += counts.hits;
  }
  assert.ok(hits > 0, 'reads found what others wrote');
  const db = new DatabaseSync(join(dir, CACHE_DB_FILE));
  assert.equal(db.prepare('PRAGMA integrity_check').get()?.['integrity_check'], 'ok');
  const rows = db.prepare('SELECT key, verdict, report_json AS reportJson, stored_at AS storedAt, expires_at AS expiresAt FROM verdicts').all();
  db.close();
  assert.ok(rows.length <= WORKER_KEYS);
  for (let k = 0; k < WORKER_KEYS; k++) {
    const row = rows.find((r) => r['key'] === keyOf(k));
    if (row === undefined) continue;
    const entry = entryFromStore(keyOf(k), row, new Date(Date.parse(String(row['storedAt']))), TTLS);
    assert.equal(entry?.reportJson, expectedVerdict(k).reportJson, `key ${k}`);
  }
});
