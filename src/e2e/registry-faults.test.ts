import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { needsRegistry, pushBlob, pushManifest, startProxy, startRegistry } from '../testing/registry.js';
import type { Intercept, TestRegistry } from '../testing/registry.js';
import { sampleManifest, SAMPLE_KEYS, samplePath } from '../testing/sample.js';

/**
 * Registry faults seen through the CLI (bin/run.js in a child process): the sample image pushed
 * to a real registry (Debian's docker-registry on loopback), with a loopback proxy in front that
 * corrupts a blob, answers 429 or 404, or loses the registry mid-pull. A fault is a failure
 * (exit 1) or "could not check" (exit 3) with its own code, never a pass; a throttled registry
 * is waited for; a missing signature tag is "nothing there", not an error.
 */
const skip = needsRegistry();
const manifest = sampleManifest();
const PLATFORM = 'linux/amd64';
const IMAGE_DIGEST = manifest.image.platforms[PLATFORM] ?? '';
const REPO = 'sample/hello';
const TRUST = ['--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot, '--certificate-identity', manifest.identity, '--certificate-oidc-issuer', manifest.issuer, '--source-uri', manifest.sourceUri];

type Desc = { mediaType: string; digest: string };
type Doc = { manifests?: Desc[]; config?: Desc; layers?: Desc[] };
const layoutDir = samplePath(manifest.image.layout);
const blobOf = (digest: string) => readFileSync(join(layoutDir, 'blobs', 'sha256', digest.slice(7)));
const docOf = (digest: string) => JSON.parse(blobOf(digest).toString('utf8')) as Doc;
const layoutIndex = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as { manifests: (Desc & { annotations?: Record<string, string> })[] };
const tagged = (tag: string) => layoutIndex.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)?.digest ?? '';

/** Pushes the sample OCI layout (every blob, every manifest by digest, every tag) to reg/repo. */
async function pushLayout(reg: TestRegistry, repo: string): Promise<void> {
  const put = async (desc: Desc, ref: string): Promise<void> => {
    const doc = docOf(desc.digest);
    for (const child of doc.manifests ?? []) await put(child, child.digest);
    for (const b of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) await pushBlob(reg, repo, blobOf(b.digest));
    await pushManifest(reg, repo, ref, blobOf(desc.digest), desc.mediaType);
  };
  for (const m of layoutIndex.manifests) await put(m, m.annotations?.['org.opencontainers.image.ref.name'] ?? m.digest);
}

let reg: TestRegistry;
before(async () => {
  if (skip.skip) return;
  reg = await startRegistry();
  await pushLayout(reg, REPO);
});
after(async () => {
  await reg?.stop();
});

async function verifyVia(intercept: Intercept, extra: readonly string[] = TRUST): Promise<{ r: CliResult; seen: string[] }> {
  const proxy = await startProxy(reg.url, intercept);
  try {
    const r = await runCli(['image', `${proxy.host}/${REPO}:${manifest.image.tag}`, '--platform', PLATFORM, '--format', 'json', ...extra]);
    return { r, seen: proxy.seen };
  } finally {
    await proxy.close();
  }
}

interface Report {
  readonly verdict?: string;
  readonly error?: { code: string; message: string };
  readonly results?: readonly { policy: string; rule: string; status: string }[];
  readonly evidence?: {
    readonly checks: readonly { id: string; status: string; code: string; details?: { lookups?: readonly { method: string; outcome: string; target: string }[] } }[];
    readonly signatures: readonly { kind: string; verified: boolean; code: string }[];
  };
}
const reportOf = (r: CliResult): Report => JSON.parse(r.stdout) as Report;
const checkOf = (report: Report, id: string) => report.evidence?.checks.find((c) => c.id === id);
const describeRun = (r: CliResult) => `exit ${r.code}\n${r.stderr}\n${r.stdout.slice(0, 2000)}`;

test('registry fault: a blob or manifest served with other bytes is never a pass, and says DIGEST_MISMATCH', skip, async () => {
  const image = docOf(IMAGE_DIGEST);
  const signature = docOf(tagged(`sha256-${IMAGE_DIGEST.slice(7)}.sig`));
  const targets: [string, string][] = [
    ['layer', image.layers?.[0]?.digest ?? ''],
    ['config', image.config?.digest ?? ''],
    ['cosign signature payload', signature.layers?.[0]?.digest ?? ''],
    ['platform manifest', IMAGE_DIGEST],
  ];
  for (const [what, digest] of targets) {
    assert.match(digest, /^sha256:[0-9a-f]{64}$/, what);
    let corrupted = 0;
    const { r } = await verifyVia(async (req, res) => {
      if (req.method !== 'GET' || !(req.url?.endsWith(`/blobs/${digest}`) || req.url?.endsWith(`/manifests/${digest}`))) return false;
      const upstream = await fetch(`${reg.url}${req.url}`, { headers: { accept: req.headers.accept ?? '*/*' } });
      const body = Buffer.from(await upstream.arrayBuffer());
      body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0x01;
      corrupted++;
      // Same length, same content type, the digest header still naming the real content.
      res.writeHead(200, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(body.length), 'docker-content-digest': digest });
      res.end(body);
      return true;
    });
    assert.ok(corrupted > 0, `${what}: the proxy served the corrupted bytes`);
    assert.ok(r.code === 1 || r.code === 3, `${what}: ${describeRun(r)}`);
    const report = reportOf(r);
    if (r.code === 3) {
      assert.equal(report.error?.code, 'DIGEST_MISMATCH', `${what}: ${describeRun(r)}`);
      assert.ok(report.error?.message.includes(digest), `${what}: the error names ${digest}`);
    } else {
      assert.equal(report.verdict, 'fail');
      assert.match(JSON.stringify(report.evidence), /DIGEST_MISMATCH/, `${what}: ${describeRun(r)}`);
    }
  }
});

test('registry fault: 429 with Retry-After: 1 on the first manifest request is waited for, then the image passes', skip, async () => {
  let refused = 0;
  const started = Date.now();
  const { r, seen } = await verifyVia((req, res) => {
    if (refused > 0 || !req.url?.includes('/manifests/')) return false;
    refused++;
    res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
    return true;
  });
  assert.equal(r.code, 0, describeRun(r));
  assert.equal(reportOf(r).verdict, 'pass');
  assert.equal(refused, 1);
  const tagRequests = seen.filter((s) => s === `GET /v2/${REPO}/manifests/${manifest.image.tag}`);
  assert.equal(tagRequests.length, 2, `the refused request was retried once:\n${seen.join('\n')}`);
  assert.ok(Date.now() - started >= 1000, 'Retry-After was honoured');
});

test('registry fault: 404 for every signature and attachment tag is "nothing there": with no signer named the default policy fails; with --key it is SIGNATURE_NOT_FOUND', skip, async () => {
  const attachmentTag = /\/manifests\/sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/;
  const notFound: Intercept = (req, res) => {
    if (!attachmentTag.test(req.url ?? '') && !(req.url ?? '').includes('/referrers/')) return false;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    return true;
  };

  const unsigned = await verifyVia(notFound, []);
  // Nothing attached and no signer named: the lookup itself passed, but nothing vouches for the image.
  assert.equal(unsigned.r.code, 1, describeRun(unsigned.r));
  assert.equal(reportOf(unsigned.r).results?.find((x) => x.rule === 'signer-named')?.status, 'fail');
  const lookup = checkOf(reportOf(unsigned.r), 'image.signatures.lookup');
  assert.equal(lookup?.status, 'pass');
  assert.equal(lookup?.code, 'ATTACHMENTS_NONE');
  const lookups = lookup?.details?.lookups ?? [];
  assert.ok(lookups.some((l) => l.method === 'cosign-tag:sig' && l.target === IMAGE_DIGEST), 'the signature tag was looked up');
  assert.ok(lookups.every((l) => l.outcome === 'none'), JSON.stringify(lookups));
  assert.ok(unsigned.seen.some((s) => s.endsWith(`/manifests/sha256-${IMAGE_DIGEST.slice(7)}.sig`)));

  const keyed = await verifyVia(notFound, ['--key', SAMPLE_KEYS.cosign]);
  assert.equal(keyed.r.code, 1, describeRun(keyed.r));
  const report = reportOf(keyed.r);
  assert.equal(report.verdict, 'fail');
  assert.equal(checkOf(report, 'image.signatures.lookup')?.code, 'ATTACHMENTS_NONE');
  assert.equal(checkOf(report, 'image.signature')?.status, 'fail');
  assert.equal(checkOf(report, 'image.signature')?.code, 'SIGNATURE_NOT_FOUND');
  assert.deepEqual(report.evidence?.signatures, []);
});

test('registry fault: 404 for the cosign signature tags alone leaves the keyless bundle; the key signature is simply absent', skip, async () => {
  const { r } = await verifyVia((req, res) => {
    if (!/\/manifests\/sha256-[0-9a-f]{64}\.sig$/.test(req.url ?? '')) return false;
    res.writeHead(404);
    res.end();
    return true;
  }, ['--key', SAMPLE_KEYS.cosign, '--trusted-root', SAMPLE_KEYS.trustedRoot]);
  assert.equal(r.code, 1, describeRun(r));
  const report = reportOf(r);
  const lookups = checkOf(report, 'image.signatures.lookup')?.details?.lookups ?? [];
  assert.ok(lookups.filter((l) => l.method === 'cosign-tag:sig').every((l) => l.outcome === 'none'), JSON.stringify(lookups));
  assert.equal(report.evidence?.signatures.some((s) => s.kind === 'cosign-simple-signing'), false);
  assert.equal(report.evidence?.signatures.some((s) => s.verified), false, 'a keyless bundle does not stand in for the key signature');
  assert.equal(checkOf(report, 'image.signature')?.status, 'fail');
});

test('registry fault: the registry killed in the middle of a blob is "could not check" (NETWORK), and nothing is left running', skip, async () => {
  const own = await startRegistry();
  try {
    await pushLayout(own, REPO);
    const layer = docOf(IMAGE_DIGEST).layers?.[0]?.digest ?? '';
    let killedAt = 0;
    const proxy = await startProxy(own.url, async (req, res) => {
      if (killedAt > 0 || !req.url?.endsWith(`/blobs/${layer}`)) return false;
      const upstream = await fetch(`${own.url}${req.url}`);
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      res.write(body.subarray(0, body.length >> 1));
      // Half the layer is on the wire: stop the registry, cut the connection, close the port.
      await own.stop();
      killedAt = Date.now();
      res.socket?.destroy();
      void proxy.close();
      return true;
    });
    const started = Date.now();
    const r = await runCli(['image', `${proxy.host}/${REPO}:${manifest.image.tag}`, '--platform', PLATFORM, '--format', 'json', ...TRUST]);
    await proxy.close();
    assert.ok(killedAt > 0, 'the registry was stopped during the layer download');
    assert.equal(r.code, 3, describeRun(r));
    assert.ok(Date.now() - started < 60_000, 'gave up in bounded time');
    assert.throws(() => process.kill(own.pid, 0), 'the registry process is gone');
    assert.equal(reportOf(r).error?.code, 'NETWORK', describeRun(r));
    assert.match(r.stderr, /\[NETWORK\]/);
  } finally {
    await own.stop();
  }
});
