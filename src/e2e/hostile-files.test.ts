import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';

/**
 * Hostile local files through the CLI, as users run it: a FIFO nobody writes to, a listening
 * UNIX socket and /dev/zero given as every kind of file input, links and FIFOs inside an OCI
 * layout, and sparse files far over each cap. Every run must end at once with its code (the
 * child's timeout is only a hang guard) and, for the caps, without reading the file: the child's
 * peak RSS stays small.
 */
const dir = mkdtempSync(join(tmpdir(), 'vouch-hostile-files-'));
const FIFO = join(dir, 'fifo');
const SOCKET = join(dir, 'socket');
const SPARSE = join(dir, 'sparse');
const RSS_PRELOAD = join(dir, 'rss.mjs');
const SPECIAL = [FIFO, SOCKET, '/dev/zero'];
let server: Server;

const CONFORMANCE = 'sigstore-sigstore-conformance/test/assets/bundle-verify';
const A_TXT = realdata(`${CONFORMANCE}/a.txt`);
const BUNDLE = realdata(`${CONFORMANCE}/happy-path-v0.2/bundle.sigstore.json`);
const IDENTITY = ['--certificate-identity', 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com'];
const APK = realdata('chainguard-dev-melange/pkg/sign/testdata/test.apk');
const APK_KEY = realdata('wolfi-dev-wolfictl/pkg/dag/testdata/packages/wolfi-signing.rsa.pub');
const EVIDENCE = join(PROJECT_ROOT, 'testdata/evidence/pass.json');

before(async () => {
  execFileSync('mkfifo', [FIFO]);
  writeFileSync(SPARSE, '');
  truncateSync(SPARSE, 8 * 1024 ** 3);
  writeFileSync(RSS_PRELOAD, "process.on('exit', () => process.stderr.write(`\\nmaxrss-kib=${process.resourceUsage().maxRSS}\\n`));\n");
  server = createServer();
  await new Promise<void>((resolve) => server.listen(SOCKET, resolve));
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function vouch(args: readonly string[]): Promise<CliResult> {
  return runProcess(process.execPath, ['--import', pathToFileURL(RSS_PRELOAD).href, join(PROJECT_ROOT, 'bin/run.js'), ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    timeoutMs: 60_000,
    noStdin: true,
  });
}

/** The error code a could-not-check or usage run prints last on stderr: `… [CODE]`. */
const errorCode = (r: CliResult): string | undefined => /\[([A-Z_]+)\]\s*(?:\n\s+hint:.*)*\s*(?:maxrss-kib=\d+\s*)?$/.exec(r.stderr)?.[1];
const peakMiB = (r: CliResult): number => Number(/maxrss-kib=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;

async function expectRefused(args: readonly string[], code: string, what: RegExp, exit = 3): Promise<CliResult> {
  const r = await vouch(args);
  assert.equal(r.code, exit, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
  assert.equal(errorCode(r), code, `${args.join(' ')}\n${r.stderr}`);
  assert.match(r.stderr, what, args.join(' '));
  return r;
}

/** Every file input of every command, with the file under test put in its place. */
const INPUTS: readonly { readonly name: string; readonly args: (file: string) => string[] }[] = [
  { name: 'artifact file', args: (f) => ['artifact', f, '--bundle', BUNDLE, ...IDENTITY] },
  { name: '--bundle', args: (f) => ['artifact', A_TXT, '--bundle', f, ...IDENTITY] },
  { name: '--attestation', args: (f) => ['artifact', A_TXT, '--attestation', f, '--builder-id', 'https://example.com/builder', '--source-uri', 'github.com/acme/app'] },
  { name: '--key', args: (f) => ['artifact', A_TXT, '--bundle', BUNDLE, '--key', f, ...IDENTITY] },
  { name: '--trusted-root', args: (f) => ['artifact', A_TXT, '--bundle', BUNDLE, '--trusted-root', f, ...IDENTITY] },
  { name: 'docker archive', args: (f) => ['image', `docker-archive:${f}`] },
  { name: 'apk file', args: (f) => ['apk', f, '--apk-key', APK_KEY] },
  { name: '--apk-key', args: (f) => ['apk', APK, '--apk-key', f] },
  { name: 'SBOM', args: (f) => ['sbom', f] },
  { name: '--evidence', args: (f) => ['policy', 'eval', '--evidence', f, '--policy', 'default'] },
  { name: '--policy', args: (f) => ['policy', 'eval', '--evidence', EVIDENCE, '--policy', f] },
];

const KIND = /is (a FIFO|a socket|a character device)[^\n]*not a regular file/;

for (const input of INPUTS) {
  test(`hostile files: a FIFO, a socket and /dev/zero as ${input.name} are refused at once (exit 3)`, { ...needsRealdata(), timeout: 120_000 }, async () => {
    for (const special of SPECIAL) {
      const code = input.name === '--apk-key' ? 'TRUST_MATERIAL_INVALID' : 'INPUT_UNREADABLE';
      await expectRefused(input.args(special), code, KIND);
    }
  });
}

test('hostile files: policy lint and policy test report a FIFO or a device as unreadable (exit 1), without blocking', { timeout: 120_000 }, async () => {
  for (const special of SPECIAL) {
    const lint = await vouch(['policy', 'lint', special]);
    assert.equal(lint.code, 1, lint.stderr);
    assert.match(lint.stdout, KIND);
    const run = await vouch(['policy', 'test', special]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, KIND);
  }
});

test('hostile files: a keyring entry that is a FIFO or a socket is skipped with the reason, never read', { ...needsRealdata(), timeout: 60_000 }, async () => {
  const keyring = join(dir, 'keyring');
  mkdirSync(keyring);
  symlinkSync(FIFO, join(keyring, 'fifo.pub'));
  symlinkSync(SOCKET, join(keyring, 'socket.pub'));
  cpSync(APK_KEY, join(keyring, 'wolfi-signing.rsa.pub'));
  const r = await vouch(['apk', APK, '--keyring', keyring, '--format', 'json']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const warnings = (JSON.parse(r.stdout) as { evidence: { warnings: string[] } }).evidence.warnings.join('\n');
  assert.match(warnings, /fifo\.pub is not used: .*is a FIFO/);
  assert.match(warnings, /socket\.pub is not used: .*is a socket/);
});

test('hostile files: a keyring directory of more than 1000 entries is LIMIT_EXCEEDED', { ...needsRealdata(), timeout: 60_000 }, async () => {
  const keyring = join(dir, 'crowded');
  mkdirSync(keyring);
  for (let i = 0; i <= 1000; i++) writeFileSync(join(keyring, `k${i}.pub`), '');
  await expectRefused(['apk', APK, '--keyring', keyring], 'LIMIT_EXCEEDED', /keyring directory .*crowded holds more than 1000 entries/);
});

test('hostile files: inside an OCI layout a blob that is a FIFO or a link is refused, even a link to the right bytes', { ...needsRealdata(), timeout: 120_000 }, async () => {
  const golden = realdata('chainguard-dev-apko/internal/cli/testdata/golden');
  const index = JSON.parse(readFileSync(join(golden, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifestDigest = index.manifests[0]?.digest ?? '';
  const manifest = JSON.parse(readFileSync(join(golden, 'blobs/sha256', manifestDigest.slice(7)), 'utf8')) as { layers: { digest: string }[] };
  const cases = [
    { name: 'fifo-layer', blob: manifest.layers[0]?.digest ?? '', plant: (path: string) => execFileSync('mkfifo', [path]), what: /is a FIFO/ },
    { name: 'linked-layer', blob: manifest.layers[0]?.digest ?? '', plant: (path: string) => symlinkSync(`${path}.real`, path), what: /is a symbolic link/ },
    { name: 'linked-manifest', blob: manifestDigest, plant: (path: string) => symlinkSync(`${path}.real`, path), what: /is a symbolic link/ },
  ];
  for (const c of cases) {
    const layout = join(dir, c.name);
    cpSync(golden, layout, { recursive: true });
    const path = join(layout, 'blobs/sha256', c.blob.slice(7));
    cpSync(path, `${path}.real`);
    rmSync(path);
    c.plant(path);
    await expectRefused(['image', `oci:${layout}@${manifestDigest}`, '--format', 'json'], 'INPUT_UNREADABLE', c.what);
  }
});

test('hostile files: an 8 GiB key, bundle, SBOM or evidence file is refused unread (LIMIT_EXCEEDED, small peak RSS)', { ...needsRealdata(), timeout: 180_000 }, async () => {
  const cases: { args: string[]; what: RegExp }[] = [
    { args: ['apk', APK, '--apk-key', SPARSE], what: /apk key .*sparse is 8589934592 bytes, more than the limit of 65536 bytes/ },
    { args: ['artifact', A_TXT, '--bundle', BUNDLE, '--key', SPARSE, ...IDENTITY], what: /--key .*sparse is 8589934592 bytes, more than the limit of 65536 bytes/ },
    { args: ['artifact', A_TXT, '--bundle', BUNDLE, '--trusted-root', SPARSE, ...IDENTITY], what: /more than the limit of 4194304 bytes/ },
    { args: ['artifact', A_TXT, '--bundle', SPARSE, ...IDENTITY], what: /--bundle .*more than the limit of 67108864 bytes[^]*--max-document-size/ },
    { args: ['artifact', A_TXT, '--attestation', SPARSE, '--builder-id', 'https://example.com/b', '--source-uri', 'github.com/acme/app'], what: /--attestation [^]*--max-document-size/ },
    { args: ['sbom', SPARSE], what: /SBOM .*more than the limit of 67108864 bytes[^]*--max-document-size/ },
    { args: ['sbom', SPARSE, '--max-document-size', '1KiB'], what: /more than the limit of 1024 bytes/ },
    { args: ['policy', 'eval', '--evidence', SPARSE, '--policy', 'default'], what: /--evidence [^]*--max-document-size/ },
  ];
  for (const c of cases) {
    const r = await expectRefused(c.args, 'LIMIT_EXCEEDED', c.what);
    assert.ok(peakMiB(r) < 256, `${c.args.join(' ')}: peak RSS ${peakMiB(r)} MiB`);
  }
  const policy = await vouch(['policy', 'eval', '--evidence', EVIDENCE, '--policy', SPARSE]);
  assert.equal(policy.code, 2, policy.stderr);
  assert.match(policy.stderr, /larger than 1048576 bytes; policy files are capped \[POLICY_INVALID\]/);
  assert.ok(peakMiB(policy) < 256);
});
