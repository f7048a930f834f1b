import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

/**
 * Deep nesting through the CLI: every JSON input (bundle, attestation, trusted root, SBOM,
 * evidence, OCI index and manifest, docker-archive manifest) nested far past the cap is refused
 * as LIMIT_EXCEEDED (exit 3) before anything recursive walks it, instead of overflowing the stack
 * (INTERNAL); a policy nested that deep is an invalid policy (exit 2). Nesting just inside the cap
 * still reads. Inputs are generated here, never committed.
 */
const dir = mkdtempSync(join(tmpdir(), 'vouch-hostile-nesting-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CONFORMANCE = 'sigstore-sigstore-conformance/test/assets/bundle-verify';
const A_TXT = realdata(`${CONFORMANCE}/a.txt`);
const BUNDLE = realdata(`${CONFORMANCE}/happy-path-v0.2/bundle.sigstore.json`);
const IDENTITY = ['--certificate-identity', 'https://github.com/x/y/.github/workflows/z.yml@refs/heads/main', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com'];
const EVIDENCE = join(PROJECT_ROOT, 'testdata/evidence/pass.json');
const DEEP = 100_000;

/** An unknown field nested `depth` levels, as arrays and objects alternately. */
const deepValue = (depth: number): string => `${'[{"x":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`;

/** CycloneDX 1.5 with components nested `levels` deep. */
function cycloneDx(levels: number): string {
  const open = Array.from({ length: levels }, (_, i) => `{"type":"library","name":"c${i}","version":"1","bom-ref":"c${i}","components":[`).join('');
  return `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[${open}${']}'.repeat(levels)}]}`;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function vouch(args: readonly string[]): Promise<CliResult> {
  return runProcess(process.execPath, [join(PROJECT_ROOT, 'bin/run.js'), ...args], { env: { ...process.env, NO_COLOR: '1' }, timeoutMs: 60_000, noStdin: true });
}

async function expectTooDeep(args: readonly string[], exit = 3, code = 'LIMIT_EXCEEDED'): Promise<void> {
  const r = await vouch(args);
  assert.equal(r.code, exit, `${args.join(' ')}\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`nested more than \\d+ levels deep[^\\n]*\\[${code}\\]`), `${args.join(' ')}\n${r.stderr}`);
}

/** An OCI layout whose index.json, or whose one manifest, is the text given. */
function layout(name: string, parts: { index?: string; manifest?: string }): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  let index = parts.index;
  if (parts.manifest !== undefined) {
    const hex = createHash('sha256').update(parts.manifest).digest('hex');
    writeFileSync(join(root, 'blobs', 'sha256', hex), parts.manifest);
    index = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex}`, size: Buffer.byteLength(parts.manifest) }] });
  }
  writeFileSync(join(root, 'index.json'), index ?? '');
  return root;
}

test('hostile nesting: signature and trust inputs nested 100,000 levels are LIMIT_EXCEEDED', { ...needsRealdata(), timeout: 120_000 }, async () => {
  const bundle = file('deep.sigstore.json', `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","unknown":${deepValue(DEEP)}}`);
  await expectTooDeep(['artifact', A_TXT, '--bundle', bundle, ...IDENTITY]);
  const attestation = file('deep.intoto.jsonl', `{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[],"x":${deepValue(DEEP)}}\n`);
  await expectTooDeep(['artifact', A_TXT, '--attestation', attestation, '--builder-id', 'https://example.com/b', '--source-uri', 'github.com/acme/app']);
  const root = file('deep-root.json', `{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","x":${deepValue(DEEP)}}`);
  await expectTooDeep(['artifact', A_TXT, '--bundle', BUNDLE, '--trusted-root', root, ...IDENTITY]);
});

test('hostile nesting: CycloneDX components nested 5,000 deep are LIMIT_EXCEEDED; 120 deep are read, past 32 an issue', { timeout: 120_000 }, async () => {
  await expectTooDeep(['sbom', file('deep.cdx.json', cycloneDx(5000))]);
  // Within the JSON cap the schema validator and the decoder run (no stack overflow); the
  // decoder's own component cap (32 levels) makes deeper components an issue: exit 1.
  const r = await vouch(['sbom', file('nested.cdx.json', cycloneDx(120)), '--json']);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { packages: unknown[]; issues: { reason: string }[] };
  assert.equal(doc.packages.length, 32);
  assert.ok(doc.issues.some((i) => /components nested deeper than 32/.test(i.reason)));
});

test('hostile nesting: saved evidence nested 100,000 levels is LIMIT_EXCEEDED; a policy that deep is invalid (exit 2)', { timeout: 120_000 }, async () => {
  await expectTooDeep(['policy', 'eval', '--evidence', file('deep-evidence.json', `{"schemaVersion":"vouch.dev/evidence/v1","x":${deepValue(DEEP)}}`), '--policy', 'default']);
  const policy = file('deep-policy.yaml', `apiVersion: vouch.dev/v1\nkind: Policy\nmetadata:\n  name: deep\nx: ${'['.repeat(DEEP)}\n`);
  await expectTooDeep(['policy', 'eval', '--evidence', EVIDENCE, '--policy', policy], 2, 'POLICY_INVALID');
  const lint = await vouch(['policy', 'lint', policy]);
  assert.equal(lint.code, 1);
  assert.match(lint.stdout, /nested more than 128 levels deep/);
});

test('hostile nesting: an OCI index, an OCI manifest and a docker-archive manifest.json nested that deep are LIMIT_EXCEEDED', { timeout: 120_000 }, async () => {
  const index = layout('deep-index', { index: `{"schemaVersion":2,"manifests":[],"x":${deepValue(DEEP)}}` });
  await expectTooDeep(['image', `oci:${index}`]);
  const manifest = layout('deep-manifest', { manifest: `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","x":${deepValue(DEEP)}}` });
  await expectTooDeep(['image', `oci:${manifest}`]);
  const archive = join(dir, 'archive');
  mkdirSync(archive);
  writeFileSync(join(archive, 'manifest.json'), `[{"Config":"c.json","Layers":[],"x":${deepValue(DEEP)}}]`);
  execFileSync('tar', ['-cf', join(dir, 'deep.tar'), '-C', archive, 'manifest.json']);
  await expectTooDeep(['image', `docker-archive:${join(dir, 'deep.tar')}`]);
});
