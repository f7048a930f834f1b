import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { sampleManifest, SAMPLE_KEYS, samplePath } from '../testing/sample.js';
import type { SampleImage } from '../testing/sample.js';

/**
 * The sample image, its signatures, attestations and referrers pushed to a real registry
 * (Debian's docker-registry, distribution 2.8, on 127.0.0.1 and a free port, storage in a
 * temporary folder, stopped by PID), then verified by tag and by digest for each platform; every
 * tampered twin must fail. Skipped with an install hint where docker-registry is missing, except
 * under CI, where that is a failure.
 */
const manifest = sampleManifest();
const hasRegistry = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).status === 0;
const skip = hasRegistry ? undefined : 'docker-registry is not installed (apt-get install docker-registry); registry end-to-end tests skipped';
if (!hasRegistry && process.env['CI'] === 'true') throw new Error('docker-registry is required under CI (.ci/run installs it)');

let registry: ChildProcess | undefined;
let storage = '';
let host = '';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`registry at ${url} did not come up`);
}

/** Pushes an OCI layout (every blob, every manifest by digest, every tag) to <host>/<repo>. */
async function pushLayout(layoutDir: string, repo: string): Promise<void> {
  const dir = samplePath(layoutDir);
  const blob = (d: string) => readFileSync(join(dir, 'blobs', 'sha256', d.slice(7)));
  const api = `http://${host}/v2/${repo}`;
  const pushed = new Set<string>();
  const putBlob = async (d: string) => {
    if (pushed.has(d)) return;
    pushed.add(d);
    const start = await fetch(`${api}/blobs/uploads/`, { method: 'POST' });
    assert.equal(start.status, 202);
    const loc = new URL(start.headers.get('location') ?? '', api);
    loc.searchParams.set('digest', d);
    const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(blob(d)), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(put.status, 201, `blob ${d}`);
  };
  type Desc = { mediaType: string; digest: string };
  const putManifest = async (desc: Desc, ref: string) => {
    const doc = JSON.parse(blob(desc.digest).toString()) as { manifests?: Desc[]; config?: Desc; layers?: Desc[] };
    for (const child of doc.manifests ?? []) await putManifest(child, child.digest);
    for (const b of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) await putBlob(b.digest);
    const r = await fetch(`${api}/manifests/${ref}`, { method: 'PUT', body: new Uint8Array(blob(desc.digest)), headers: { 'content-type': desc.mediaType } });
    assert.equal(r.status, 201, `manifest ${ref}: ${await r.text()}`);
  };
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: (Desc & { annotations: Record<string, string> })[] };
  for (const m of index.manifests) await putManifest(m, m.annotations['org.opencontainers.image.ref.name'] ?? m.digest);
}

before(async () => {
  if (skip) return;
  storage = mkdtempSync(join(tmpdir(), 'vouch-registry-'));
  host = `127.0.0.1:${await freePort()}`;
  const config = join(storage, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${join(storage, 'data')} }, delete: { enabled: true } }\nhttp: { addr: ${host} }\n`);
  registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  await waitUp(`http://${host}/v2/`);
  await pushLayout(manifest.image.layout, 'sample/hello');
  for (const t of manifest.twins) if (t.image) await pushLayout(t.image.layout, `sample/${t.name}`);
});

after(() => {
  if (registry?.pid) process.kill(registry.pid, 'SIGTERM');
  if (storage) rmSync(storage, { recursive: true, force: true });
});

const trust = ['--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot, '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri, '--format', 'json'];

interface Finding {
  readonly code: string;
  readonly path?: string;
  readonly package?: string;
  readonly expected?: string;
  readonly found?: string;
}
interface Report {
  readonly verdict: string;
  readonly results: readonly { policy: string; rule: string; status: string; reason?: string }[];
  readonly evidence: {
    readonly checks: readonly { id: string; status: string; code: string; found?: string; details?: { codes?: readonly string[] } }[];
    readonly signatures: readonly { kind: string; verified: boolean; code: string }[];
    readonly provenance: readonly { verified: boolean; source: { uri?: string } }[];
    readonly reconciliation: { readonly findings: readonly Finding[] } | null;
  };
}

const reportOf = (r: CliResult): Report => JSON.parse(r.stdout) as Report;
const failedRules = (report: Report) => report.results.filter((x) => x.status === 'fail').map((x) => x.rule).sort();
const failedChecks = (report: Report) => report.evidence.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}:${c.code}`).sort();
const findingKey = (f: Finding) => `${f.code} ${f.path ?? ''} ${f.package ?? ''}`;
const matchesFinding = (f: Finding, e: ExpectedFinding): boolean =>
  f.code === e.code &&
  (typeof e.path === 'string' ? f.path === e.path : e.path.test(f.path ?? '')) &&
  f.package === e.package &&
  (e.expected === undefined || f.expected === e.expected) &&
  (e.found === undefined || f.found === e.found);

/** The honest image's findings per platform (image builder files no package owns): a twin adds only its own. */
const honestFindings = new Map<string, Set<string>>();

const refs = (repo: string, image: SampleImage) =>
  Object.entries(image.platforms).flatMap(([platform, digest]) => [
    { platform, ref: `${host}/${repo}:${image.tag}` },
    { platform, ref: `${host}/${repo}@${digest}` },
    { platform, ref: `${host}/${repo}@${image.index}` },
  ]);

test('registry: the sample image passes by tag and by digest, for each platform, with every rule passing', { skip }, async () => {
  for (const { platform, ref } of refs('sample/hello', manifest.image)) {
    const r = await runCli(['image', ref, '--platform', platform, ...trust]);
    assert.equal(r.code, 0, `${ref} (${platform}): ${r.stderr}\n${r.stdout.slice(0, 3000)}`);
    const report = reportOf(r);
    assert.equal(report.verdict, 'pass');
    assert.ok(report.results.length > 0, 'rules were evaluated');
    assert.deepEqual(report.results.filter((x) => x.status !== 'pass').map((x) => `${x.rule}:${x.status}`), [], `${ref} (${platform}): every rule passes`);
    assert.deepEqual(failedChecks(report), []);
    assert.ok(report.evidence.signatures.length > 0 && report.evidence.signatures.every((s) => s.verified), 'every signature verifies');
    assert.ok(report.evidence.provenance.length > 0 && report.evidence.provenance.every((p) => p.verified), 'the provenance verifies');
    honestFindings.set(platform, new Set((report.evidence.reconciliation?.findings ?? []).map(findingKey)));
  }
});

/** A finding a twin must add; `path` a RegExp where it names the attachment (registry host and port vary). */
type ExpectedFinding = Omit<Finding, 'path'> & { readonly path: string | RegExp };

/** What each tampered twin must fail with: its own finding, check and rule, and nothing else. */
interface TwinExpectation {
  /** Reconciliation findings the honest image does not have, each matched by exactly one. */
  readonly newFindings: readonly ExpectedFinding[];
  /** Failed checks, `id:code`, sorted. */
  readonly failedChecks: readonly string[];
  /** Failed policy rules, sorted. */
  readonly failedRules: readonly string[];
  readonly also?: (report: Report) => void;
}

const TWINS: Readonly<Record<string, TwinExpectation>> = {
  'modified-file': {
    newFindings: [{ code: 'FILE_MODIFIED', path: 'usr/bin/hello', package: 'hello' }],
    failedChecks: [],
    failedRules: ['owned-files-intact'],
  },
  'unowned-binary': {
    newFindings: [{ code: 'FILE_UNOWNED', path: 'usr/bin/backdoor' }],
    failedChecks: [],
    failedRules: ['no-unowned-files'],
  },
  'sbom-version': {
    // The embedded SBOM of hello, and the signed image SBOM attestation that carries the same claim.
    newFindings: [
      { code: 'SBOM_VERSION_MISMATCH', path: 'var/lib/db/sbom/hello-2.12-r0.spdx.json', package: 'hello', expected: '2.12-r0', found: '2.12-r1' },
      { code: 'SBOM_VERSION_MISMATCH', path: /\.att layer \d+$/, package: 'hello', expected: '2.12-r0', found: '2.12-r1' },
    ],
    failedChecks: [],
    failedRules: ['sbom-consistent-with-packages'],
  },
  'provenance-source': {
    newFindings: [],
    failedChecks: ['provenance.expect.source-uri:SOURCE_URI_MISMATCH'],
    failedRules: ['checks-passed', 'provenance-verified'],
    also: (report) => {
      const check = report.evidence.checks.find((c) => c.id === 'provenance.expect.source-uri');
      assert.equal(check?.found, 'github.com/evil-fork/hello');
      assert.ok(report.evidence.provenance.every((p) => !p.verified), 'no provenance verifies');
      assert.ok(report.evidence.signatures.every((s) => s.verified), 'the signatures are the honest ones');
    },
  },
  'signature-digest': {
    newFindings: [],
    failedChecks: ['image.signature:SIGNATURE_NOT_VERIFIED'],
    failedRules: ['checks-passed', 'signature-verified'],
    also: (report) => {
      const check = report.evidence.checks.find((c) => c.id === 'image.signature');
      assert.deepEqual([...(check?.details?.codes ?? [])].sort(), ['SIGNATURE_DIGEST_MISMATCH', 'STATEMENT_SUBJECT_MISMATCH']);
      const sigs = report.evidence.signatures;
      assert.ok(sigs.length > 0 && sigs.every((s) => !s.verified), 'no signature counts');
      for (const s of sigs) assert.equal(s.code, s.kind === 'sigstore-bundle' ? 'STATEMENT_SUBJECT_MISMATCH' : 'SIGNATURE_DIGEST_MISMATCH', `${s.kind}`);
      assert.ok(sigs.some((s) => s.kind === 'sigstore-bundle') && sigs.some((s) => s.kind === 'cosign-simple-signing'), 'key and keyless signatures were both judged');
    },
  },
};

test('registry: every tampered twin fails for its own reason, and the report names it', { skip }, async () => {
  for (const twin of manifest.twins.filter((x) => x.image)) {
    const image = twin.image as SampleImage;
    const want = TWINS[twin.name];
    assert.ok(want, `twin ${twin.name} has no expected failure in this test`);
    for (const platform of Object.keys(image.platforms)) {
      const what = `${twin.name} (${platform})`;
      const r = await runCli(['image', `${host}/sample/${twin.name}:${image.tag}`, '--platform', platform, ...trust]);
      assert.equal(r.code, 1, `${what}: ${r.stderr}`);
      const report = reportOf(r);
      assert.equal(report.verdict, 'fail');
      const text = JSON.stringify(report.evidence).toLowerCase();
      for (const m of twin.mentions) assert.ok(text.includes(m.toLowerCase()), `${what}: the evidence mentions ${m}`);
      assert.deepEqual(failedChecks(report), want.failedChecks, `${what}: failed checks`);
      assert.deepEqual(failedRules(report), want.failedRules, `${what}: failed rules`);
      const honest = honestFindings.get(platform);
      assert.ok(honest, `the honest image was verified for ${platform} first`);
      const added = (report.evidence.reconciliation?.findings ?? []).filter((f) => !honest.has(findingKey(f)));
      assert.equal(added.length, want.newFindings.length, `${what}: findings beyond the honest image's: ${added.map(findingKey).join('; ')}`);
      for (const expected of want.newFindings) {
        const matches: Finding[] = added.filter((f) => matchesFinding(f, expected));
        assert.equal(matches.length, 1, `${what}: one ${expected.code} ${String(expected.path)} among ${added.map(findingKey).join('; ')}`);
      }
      for (const rule of want.failedRules) {
        assert.ok(report.results.find((x) => x.rule === rule)?.reason, `${what}: rule ${rule} explains its failure`);
      }
      want.also?.(report);
    }
  }
});

test('registry: a stopped registry is "could not check", never a pass', { skip }, async () => {
  const r = await runCli(['image', `127.0.0.1:${await freePort()}/sample/hello:latest`, '--platform', 'linux/amd64', ...trust]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /NETWORK/);
});
