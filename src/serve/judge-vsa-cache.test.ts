import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { noopLogger } from '../context.js';
import { parseImageReference } from '../sources/image/reference.js';
import { SAMPLE_KEYS } from '../testing/sample.js';
import { memoryVerdictCache } from './cache.js';
import { loadServeConfig } from './config.js';
import { admissionCacheKey, imageJudge } from './judge-image.js';
import type { RegistryReference, Verification } from './verify.js';

/**
 * A pass that came from a VSA is cached no longer than the VSA counts: past its timeVerified plus
 * the maximum age, the cached pass is ignored and the image is judged again. Here the registry is
 * a closed loopback port, so judging again can only end in a denial, which shows the stale entry
 * was not believed.
 */
const dir = mkdtempSync(join(tmpdir(), 'vouch-judge-vsa-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const image = `127.0.0.1:1/app@sha256:${'a'.repeat(64)}`;

test('serve: a cached pass through a VSA is used until the VSA expires, then the image is judged again', async () => {
  writeFileSync(join(dir, 'vsa.pub'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'c.yaml'), `apiVersion: vouch.dev/v1\nkind: AdmissionConfig\nspec:\n  images:\n    - pattern: "127.0.0.1:1/*"\n      key: ${SAMPLE_KEYS.cosign}\n      policy: [default]\n      vsa-public-key: [vsa.pub]\n      vsa-max-age: 1h\n`);
  const config = await loadServeConfig(join(dir, 'c.yaml'));
  const rule = config.rules[0];
  assert.ok(rule);
  const ref = parseImageReference(image) as RegistryReference;
  const digest = ref.digest ?? '';
  const now = new Date('2026-12-01T12:00:00Z');
  let clock = now;
  const cache = memoryVerdictCache(10, { passTtlMs: 24 * 3_600_000, failTtlMs: 1000 });
  const pass: Verification = { kind: 'pass', warnings: [], vsa: { used: true, reason: 'VSA_USED: …', verifier: 'https://vouch.dev/verifier', timeVerified: '2026-12-01T11:30:00Z', validUntil: '2026-12-01T12:30:00Z' } };
  await cache.put(admissionCacheKey(ref, digest, rule), { verdict: 'pass', reportJson: JSON.stringify({ ...pass, verdict: 'pass' }), storedAt: now.toISOString() }, now);
  const judge = imageJudge({ config, cache, timeoutMs: 5000, platform: 'linux/amd64', allowHttp: false, clock: () => clock });

  const fresh = await judge.judge(image, { now, log: noopLogger });
  assert.equal(fresh.verdict, 'allow', fresh.message);
  assert.equal(fresh.cache, 'hit');
  assert.match(fresh.message, /admitted through a verification summary/);

  clock = new Date('2026-12-01T12:30:00Z');
  const expired = await judge.judge(image, { now: clock, log: noopLogger });
  assert.equal(expired.cache, 'miss', 'the cache held the pass for 24 h, the VSA counted for 1 h');
  assert.equal(expired.verdict, 'deny', expired.message);
  assert.match(expired.message, /could not be verified/);
});
