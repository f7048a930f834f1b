import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { noopLogger } from '../context.js';
import { isVouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import { readGzipMembers } from '../sources/apk/gzip-members.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { loadApkKeyring } from '../trust/apk/index.js';
import { apkEvidenceFromStream } from './apk.js';
import { DEFAULT_LIMITS } from './options.js';

/**
 * Mutation tests over real signed packages: flip bytes at deterministic positions spread over
 * the signature, control and data segments, and require that no mutated package passes. Each
 * outcome must be a failed check or a VouchError; never a pass, a crash or a hang.
 *
 * Not mutated: bytes 3 to 9 of the signature member's gzip header (FTEXT flag, MTIME, XFL, OS).
 * They are advisory, and apk's format leaves the signature member itself unsigned (a signature
 * cannot sign itself), so a package with another MTIME there is the same signed package.
 */
const CASES = [
  { path: 'chainguard-dev-melange/pkg/sign/testdata/test.apk', key: 'wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub', perMember: 60 },
  { path: 'chainguard-dev-apko/internal/cli/testdata/packages/x86_64/replayout-1.0.0-r0.apk', key: 'chainguard-dev-apko/internal/cli/testdata/melange.rsa.pub', perMember: 60 },
  { path: 'chainguard-dev-apko/pkg/apk/apk/testdata/alpine-316/alpine-baselayout-3.2.0-r23.apk', key: 'alpine-keys-transcribed/alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub', perMember: 40 },
  { path: 'chainguard-dev-apko/internal/cli/testdata/packages/x86_64/tzdata-2023c-r0.apk', key: 'chainguard-dev-apko/internal/cli/testdata/local-melange.rsa.pub', perMember: 2 },
];

/** Member boundaries, from the real splitter. */
async function membersOf(buf: Buffer): Promise<{ start: number; end: number }[]> {
  const out: { start: number; end: number }[] = [];
  await readGzipMembers([buf], {
    memberStart: (_i, offset) => void out.push({ start: offset, end: offset }),
    compressed: () => undefined,
    data: () => undefined,
    memberEnd: (i, size) => void ((out[i] as { end: number }).end = (out[i]?.start ?? 0) + size),
  }, { maxDecompressedBytes: 1e9, maxRatio: 1e6, maxMembers: 100 });
  return out;
}

/** Deterministic positions: the first and last bytes of each member plus evenly spaced ones. */
function positionsOf(members: readonly { start: number; end: number }[], perMember: number, signed: boolean): number[] {
  const positions = new Set<number>();
  members.forEach(({ start, end }, i) => {
    const size = end - start;
    const picks = [0, 1, 2, 10, 11, size - 8, size - 4, size - 1, ...Array.from({ length: perMember }, (_, k) => Math.floor(((k + 0.5) * size) / perMember))];
    for (const p of picks) {
      if (p < 0 || p >= size) continue;
      if (signed && i === 0 && p >= 3 && p <= 9) continue;
      positions.add(start + p);
    }
  });
  return [...positions].sort((a, b) => a - b);
}

function passes(e: Evidence): boolean {
  return e.checks.length > 0 && e.checks.every((c) => c.status !== 'fail') && e.signatures.some((s) => s.verified);
}

test('apk fuzz: no single-byte mutation of a real signed package passes', { ...needsRealdata(), timeout: 60_000 }, async () => {
  let total = 0;
  for (const c of CASES) {
    const original = readFileSync(realdata(c.path));
    const keyring = await loadApkKeyring({ keys: [realdata(c.key)], keyrings: [] });
    const options = { target: c.path, keys: [], keyrings: [], arch: 'x86_64', limits: DEFAULT_LIMITS };
    const ctx = { now: new Date(0), log: noopLogger };
    const evaluate = (buf: Buffer): Promise<Evidence> => apkEvidenceFromStream([buf], c.path, options, keyring, ctx);
    assert.ok(passes(await evaluate(original)), `${c.path} must pass unmodified`);
    const members = await membersOf(original);
    for (const [n, position] of positionsOf(members, c.perMember, true).entries()) {
      const mutated = Buffer.from(original);
      mutated.writeUInt8(mutated.readUInt8(position) ^ (n % 2 === 0 ? 0x01 : 0xff), position);
      total += 1;
      try {
        const e = await evaluate(mutated);
        assert.ok(!passes(e), `${c.path}: flipping byte ${position} still passes`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        assert.ok(isVouchError(err), `${c.path}: byte ${position} threw a non-VouchError: ${String(err)}`);
      }
    }
  }
  assert.ok(total >= 300, `only ${total} mutations`);
});
