import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { noopLogger } from '../context.js';
import type { RunContext } from '../context.js';
import { DEFAULT_LIMITS } from '../pipeline/options.js';
import { BUILTIN_POLICIES } from '../policy/builtin-policies.generated.js';
import { MemoryVerdictCache } from '../testing/memory-cache.js';
import { writeGeneratedRepository } from '../testing/apk-repository.js';
import type { GeneratedRepository } from '../testing/apk-repository.js';
import { apkPlan } from './apk-plan.js';
import { runKeyParts } from './cache-key.js';
import { verifyThroughCache } from './cached.js';
import type { CacheUse } from './cached.js';
import { lineOf } from './line.js';
import { errorOutcome, runBatch } from './run.js';
import { judgeWith } from './verify.js';
import type { BatchLine } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'vouch-batch-cache-'));
let repo: GeneratedRepository;
before(async () => {
  repo = await writeGeneratedRepository(join(dir, 'repo'), 12);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ctx: RunContext = { now: new Date('2026-12-01T00:00:00Z'), log: noopLogger };
const policies = [BUILTIN_POLICIES['default']].filter((p) => p !== undefined);

/** One --repository --all run over the generated repository, as the CLI does it, through `cache`. */
async function run(cache: MemoryVerdictCache, clock: () => Date, keys = [repo.key]): Promise<BatchLine[]> {
  const options = { target: '', keys, keyrings: [], repository: repo.root, arch: 'x86_64', limits: DEFAULT_LIMITS };
  const plan = await apkPlan({ targets: [], all: true, options, judge: judgeWith(policies, ctx.now, undefined), timeoutMs: 60_000, expectations: {} }, ctx);
  const use: CacheUse = { cache, clock, log: noopLogger, parts: runKeyParts({ ...(await plan.keyInputs()), policies, vouchVersion: 'test' }) };
  const lines: BatchLine[] = [];
  await runBatch(plan.subjects, {
    jobs: 4,
    verify: (s) => verifyThroughCache(s, use, plan.verification(s, ctx)).catch((err: unknown) => errorOutcome(s, err)),
    emit: (o) => void lines.push(lineOf(o)),
  });
  return lines;
}

test('cache: a second run over an unchanged repository verifies nothing again (no package is even read)', { timeout: 120_000 }, async () => {
  const cache = new MemoryVerdictCache();
  const clock = () => new Date('2026-12-01T00:00:00Z');
  const first = await run(cache, clock);
  assert.deepEqual(first.map((l) => [l.exitCode, l.cached]), first.map(() => [0, false]));
  assert.equal(cache.entries.size, 12);
  // The packages are gone: only the cache can answer now.
  for (let i = 0; i < 12; i++) unlinkSync(repo.file(i));
  const second = await run(cache, clock);
  assert.deepEqual(second.map((l) => [l.subject, l.exitCode, l.cached]), first.map((l) => [l.subject, 0, true]));
  assert.deepEqual(second.map((l) => l.report?.evidence.subject.digest), first.map((l) => l.report?.evidence.subject.digest));
  // Past the pass TTL, the entries are stale: every package is fetched again, and now absent (exit 3, never stored).
  const later = await run(cache, () => new Date('2026-12-03T00:00:00Z'));
  assert.deepEqual(later.map((l) => [l.exitCode, l.cached, l.error?.code]), later.map(() => [3, false, 'NOT_FOUND']));
  assert.equal(cache.puts, 12, '"could not check" is never stored');
  // Other trust material is another key: nothing is served from the entries above.
  const otherKey = join(dir, 'other.rsa.pub');
  writeFileSync(otherKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
  const other = await run(cache, clock, [otherKey]);
  assert.deepEqual(other.map((l) => [l.exitCode, l.cached]), other.map(() => [3, false]));
});

test('cache: an entry that does not parse back, or a store that fails, means "verify again"', async () => {
  const clock = () => new Date('2026-12-01T00:00:00Z');
  const subject = { name: 'x', kind: 'artifact' as const };
  const report = { verdict: 'pass', subject: { digest: 'sha256:1' }, evidence: { subject: { digest: 'sha256:1' } } };
  let verified = 0;
  const work = { subjectDigest: () => Promise.resolve('sha256:1'), verify: () => Promise.resolve((verified++, report) as never), confirms: () => true };
  const cache = new MemoryVerdictCache();
  const use: CacheUse = { cache, clock, log: noopLogger, parts: runKeyParts({ policies: [], trust: [], expectations: {}, vouchVersion: 't' }) };
  await verifyThroughCache(subject, use, work);
  const [key] = [...cache.entries.keys()];
  cache.entries.set(key ?? '', { verdict: 'pass', reportJson: '{"verdict":"fail"}', storedAt: '', at: clock().getTime() });
  const again = await verifyThroughCache(subject, use, work);
  assert.equal(again.kind === 'report' && again.cached, false, 'an entry whose report contradicts its verdict is not served');
  const broken = { get: () => Promise.reject(new Error('disk')), put: () => Promise.reject(new Error('disk')), close: () => Promise.resolve() };
  const viaBroken = await verifyThroughCache(subject, { ...use, cache: broken }, work);
  assert.equal(viaBroken.kind, 'report');
  assert.equal(verified, 3);
  // A report about other bytes than the digest named is returned but not stored.
  const fresh = new MemoryVerdictCache();
  await verifyThroughCache(subject, { ...use, cache: fresh }, { ...work, confirms: () => false });
  assert.equal(fresh.entries.size, 0);
});
